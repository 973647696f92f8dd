using System.Text.Json;
using Akua.Application.DeviceAuthorization.ExchangeDeviceCode;
using Akua.Application.DeviceAuthorization.StartDeviceAuthorization;
using Akua.Application.OAuth;
using Akua.Application.OAuth.ExchangeAuthorizationCode;
using Akua.Application.OAuth.RefreshAccessToken;
using Akua.Application.OAuth.RevokeToken;
using Akua.Domain.OAuth;
using Akua.Infrastructure.Diagnostics;
using Akua.Infrastructure.OAuth;
using Akua.WebApi.Http;
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
    public const string AuthorizationCodeGrant = "authorization_code";
    public const string RefreshTokenGrant = "refresh_token";
    public const string DeviceCodeRateLimit = "device-code";

    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        // Anonymous by nature: these are how a client gets its first credential.
        app.MapPost("/api/auth/device/code", StartAsync).AllowAnonymous().RequireRateLimiting(DeviceCodeRateLimit).ExcludeFromDescription();
        app.MapPost("/api/auth/device/token", TokenAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/oauth/token", TokenAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/oauth/revoke", RevokeAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/.well-known/jwks.json", async (SigningKeyStore keys, HttpContext http, CancellationToken ct) =>
        {
            // Cached no longer than the lead with which a next key is published: a cache never misses a signer.
            http.Response.Headers.CacheControl = $"public, max-age={(long)keys.JwksMaxAge.TotalSeconds}";
            return Results.Text(await keys.JwksAsync(ct), "application/jwk-set+json");
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/.well-known/oauth-authorization-server", (HttpContext http) =>
        {
            var issuer = PublicUrl.Of(http);
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = issuer,
                ["authorization_endpoint"] = $"{issuer}/oauth/authorize",
                ["device_authorization_endpoint"] = $"{issuer}/api/auth/device/code",
                ["token_endpoint"] = $"{issuer}/oauth/token",
                ["revocation_endpoint"] = $"{issuer}/oauth/revoke",
                ["jwks_uri"] = $"{issuer}/.well-known/jwks.json",
                ["grant_types_supported"] = new[] { AuthorizationCodeGrant, RefreshTokenGrant, DeviceCodeGrant },
                ["response_types_supported"] = new[] { "code" },
                ["response_modes_supported"] = new[] { "query" },
                ["code_challenge_methods_supported"] = new[] { "S256" },
                // RFC 9207: every authorization response names its issuer (iss), success and error alike.
                ["authorization_response_iss_parameter_supported"] = true,
                ["scopes_supported"] = OAuthScopes.Supported,
                ["token_endpoint_auth_methods_supported"] = new[] { "none", "client_secret_basic", "client_secret_post" },
                ["revocation_endpoint_auth_methods_supported"] = new[] { "none", "client_secret_basic", "client_secret_post" },
                ["access_token_signing_alg_values_supported"] = new[] { "ES256" },
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

    private static async Task<IResult> TokenAsync(HttpContext http, IMediator mediator, AkuaMetrics metrics, CancellationToken ct)
    {
        string? grantType = null;
        try
        {
            var form = await OAuthForm.ReadAsync(http);
            grantType = form.Require("grant_type");
            var (clientId, secret) = ClientCredentials(http, form);
            OAuthResponses.NoStore(http);
            // Every grant authenticates its client in the Application (OAuthGrantHandler) and answers the same way.
            OAuthGrant grant = grantType switch
            {
                DeviceCodeGrant => new ExchangeDeviceCodeCommand(form.Require("device_code"), clientId),
                AuthorizationCodeGrant => new ExchangeAuthorizationCodeCommand(
                    form.Require("code"), form.Optional("redirect_uri"), clientId, secret, form.Optional("code_verifier")),
                RefreshTokenGrant => new RefreshAccessTokenCommand(form.Require("refresh_token"), clientId, secret),
                _ => throw new OAuthException(OAuthError.UnsupportedGrantType($"Supported grant types: {AuthorizationCodeGrant}, {RefreshTokenGrant}, {DeviceCodeGrant}.")),
            };
            var result = await mediator.Send(grant, ct);
            metrics.Grant(grantType, result.Error?.Error ?? "issued");
            return result.Token is { } token ? Results.Json(token, AkuaJson.Options) : OAuthResponses.Error(http, result.Error!);
        }
        catch (Exception e) when (CountFailure(metrics, grantType, e))
        {
            throw; // never reached: the filter counts and lets the exception go on to ApiExceptionHandler
        }
    }

    /// <summary>Counts a grant that ended in an exception under the error code the exception handler will answer.</summary>
    private static bool CountFailure(AkuaMetrics metrics, string? grantType, Exception exception)
    {
        metrics.Grant(grantType, exception switch
        {
            OAuthException e => e.Error.Error,
            FluentValidation.ValidationException or BadHttpRequestException => "invalid_request",
            Akua.Domain.Common.DomainException { Kind: Akua.Domain.Common.ErrorKind.RateLimited } => "slow_down",
            OperationCanceledException => "cancelled",
            _ => "server_error",
        });
        return false;
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, IMediator mediator, CancellationToken ct)
    {
        var form = await OAuthForm.ReadAsync(http);
        var (clientId, secret) = ClientCredentials(http, form, required: false);
        var error = await mediator.Send(new RevokeTokenCommand(form.Require("token"), clientId.Length == 0 ? null : clientId, secret), ct);
        OAuthResponses.NoStore(http);
        return error is null ? Results.Ok() : OAuthResponses.Error(http, error);
    }

    /// <summary>client_secret_basic (RFC 6749 section 2.3.1) or the form's client_id/client_secret, not both.</summary>
    private static (string ClientId, string? Secret) ClientCredentials(HttpContext http, OAuthForm form, bool required = true)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (form.Optional("client_secret") is not null)
            {
                throw new OAuthException(OAuthError.InvalidRequest("Use one client authentication method, not two."));
            }

            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
            }

            throw new OAuthException(OAuthError.InvalidClient("The Basic credentials are malformed."));
        }

        var clientId = required ? form.Require("client_id") : form.Optional("client_id") ?? string.Empty;
        return (clientId, form.Optional("client_secret"));
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
