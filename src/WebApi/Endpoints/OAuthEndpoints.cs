using System.Text.Json;
using Akua.Application.Common.Abstractions;
using Akua.Application.DeviceAuthorization;
using Akua.Application.DeviceAuthorization.ExchangeDeviceCode;
using Akua.Application.DeviceAuthorization.StartDeviceAuthorization;
using Akua.WebApi.Infrastructure;
using Mediator;
using Microsoft.Extensions.Primitives;

namespace Akua.WebApi.Endpoints;

/// <summary>
/// The device authorization grant (RFC 8628) as the CLI uses it, and the metadata (RFC 8414) that lets a
/// standard OAuth client find it from the issuer URL alone. Bodies may be form-encoded or JSON.
/// </summary>
public static class OAuthEndpoints
{
    public const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
    public const string DeviceCodeRateLimit = "device-code";

    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        // Anonymous by nature: these are how a client gets its first credential.
        app.MapPost("/api/auth/device/code", StartAsync).AllowAnonymous().RequireRateLimiting(DeviceCodeRateLimit).ExcludeFromDescription();
        app.MapPost("/api/auth/device/token", TokenAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/oauth/token", TokenAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/.well-known/oauth-authorization-server", (HttpContext http) =>
        {
            var issuer = PublicUrl.Of(http);
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = issuer,
                ["device_authorization_endpoint"] = $"{issuer}/api/auth/device/code",
                ["token_endpoint"] = $"{issuer}/oauth/token",
                ["grant_types_supported"] = new[] { DeviceCodeGrant },
                ["response_types_supported"] = Array.Empty<string>(),
                ["token_endpoint_auth_methods_supported"] = new[] { "none" },
                ["service_documentation"] = $"{issuer}/v1/openapi.json",
            });
        }).AllowAnonymous().ExcludeFromDescription();

        return app;
    }

    private static async Task<IResult> StartAsync(HttpContext http, IMediator mediator, CancellationToken ct)
    {
        var form = await OAuthForm.ReadAsync(http);
        var response = await mediator.Send(new StartDeviceAuthorizationCommand(
            form.Require("client_id"), form.Optional("scope"), $"{PublicUrl.Of(http)}/device", AccountEndpoints.ClientOf(http)), ct);
        OAuthResponses.NoStore(http);
        return Results.Json(response, AkuaJson.Options);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, IMediator mediator, IOAuthClients clients, CancellationToken ct)
    {
        var form = await OAuthForm.ReadAsync(http);
        var grantType = form.Require("grant_type");
        if (grantType != DeviceCodeGrant)
        {
            throw new OAuthException(OAuthError.UnsupportedGrantType($"grant_type must be {DeviceCodeGrant}."));
        }

        var clientId = form.Require("client_id");
        if (clients.FindPublic(clientId) is null)
        {
            throw new OAuthException(OAuthError.InvalidClient("Unknown client_id."));
        }

        var result = await mediator.Send(new ExchangeDeviceCodeCommand(form.Require("device_code"), clientId), ct);
        OAuthResponses.NoStore(http);
        return result.Token is { } token
            ? Results.Json(token, AkuaJson.Options)
            : Results.Json(result.Error, AkuaJson.Options, statusCode: StatusCodes.Status400BadRequest);
    }
}

/// <summary>The parameters of an OAuth request, from a form or a flat JSON object; each at most once.</summary>
internal sealed class OAuthForm(Dictionary<string, string> values)
{
    private const int MaxValueLength = 2048;

    public static async Task<OAuthForm> ReadAsync(HttpContext http)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            foreach (var (key, value) in form)
            {
                values[key] = Single(key, value);
            }
        }
        else if (http.Request.HasJsonContentType())
        {
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            }
            catch (JsonException)
            {
                throw Invalid("The body is not valid JSON.");
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid("The body must be a JSON object.");
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String || !values.TryAdd(property.Name, property.Value.GetString()!))
                    {
                        throw Invalid($"{property.Name} must be a string, given once.");
                    }
                }
            }
        }
        else
        {
            throw Invalid("Send the parameters as application/x-www-form-urlencoded or application/json.");
        }

        return new OAuthForm(values);
    }

    public string Require(string name) =>
        Optional(name) ?? throw Invalid($"{name} is required.");

    public string? Optional(string name) =>
        values.TryGetValue(name, out var value) && value.Length > 0
            ? value.Length <= MaxValueLength && !value.Any(char.IsControl) ? value : throw Invalid($"{name} is malformed.")
            : null;

    private static string Single(string key, StringValues value) =>
        value.Count == 1 ? value[0]! : throw Invalid($"{key} must be given once.");

    private static OAuthException Invalid(string description) => new(OAuthError.InvalidRequest(description));
}
