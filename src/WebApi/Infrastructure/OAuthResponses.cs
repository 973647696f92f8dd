using Akua.Application.DeviceAuthorization;

namespace Akua.WebApi.Infrastructure;

/// <summary>The OAuth endpoints answer in the OAuth shape (RFC 6749 section 5.2), never the API envelope.</summary>
public static class OAuthResponses
{
    public static bool IsOAuthPath(PathString path) =>
        path.StartsWithSegments("/oauth", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/api/auth/device", StringComparison.OrdinalIgnoreCase);

    public static Task WriteErrorAsync(HttpContext context, OAuthError error, int status = StatusCodes.Status400BadRequest)
    {
        context.Response.StatusCode = status;
        NoStore(context);
        return context.Response.WriteAsJsonAsync(error, AkuaJson.Options, context.RequestAborted);
    }

    /// <summary>Token answers must not be cached (RFC 6749 section 5.1).</summary>
    public static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }
}
