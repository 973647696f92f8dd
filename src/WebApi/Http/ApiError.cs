using System.Text.Json.Serialization;

namespace Akua.WebApi.Http;

/// <summary>The one error envelope of the REST API (API.md section 2).</summary>
public sealed record ApiErrorEnvelope(ApiError Error);

public sealed record ApiError(
    string Code,
    string Message,
    string RequestId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ApiErrorDetail>? Details = null);

public sealed record ApiErrorDetail(string Field, string Message);

public static class ApiErrors
{
    public static string CodeFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad_request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status422UnprocessableEntity => "validation_error",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        StatusCodes.Status503ServiceUnavailable => "service_unavailable",
        _ => "internal_error",
    };

    /// <summary>Bodies for what the framework answers by itself (no route, wrong method, wrong content type).</summary>
    public static Task WriteStatusPageAsync(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => WriteAsync(context, StatusCodes.Status404NotFound, "No such route."),
        StatusCodes.Status405MethodNotAllowed => WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "This route does not accept that method."),
        // The contract's table has no 415; a body that is not JSON is a bad request.
        StatusCodes.Status415UnsupportedMediaType => WriteAsync(context, StatusCodes.Status400BadRequest, "The request body must be JSON (Content-Type: application/json)."),
        var status => WriteAsync(context, status, "The request could not be served."),
    };

    public static Task WriteAsync(HttpContext context, int status, string message, IReadOnlyList<ApiErrorDetail>? details = null, string? code = null)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        if (context.Features.Get<Authentication.CredentialFeature>() is { Scheme: Authentication.BearerAuthenticationHandler.SchemeName } bearer
            && Authentication.AkuaAuthenticationDefaults.TokenExpiresAt(bearer.Credential, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()) is { } expires)
        {
            context.Response.Headers[Authentication.AkuaAuthenticationDefaults.TokenExpiresHeader] = expires; // an error handler cleared it
        }
        var envelope = new ApiErrorEnvelope(new ApiError(code ?? CodeFor(status), message, context.TraceIdentifier, details));
        return context.Response.WriteAsJsonAsync(envelope, AkuaJson.Options, context.RequestAborted);
    }
}
