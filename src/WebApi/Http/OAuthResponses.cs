using Akua.Application.OAuth;

namespace Akua.WebApi.Http;

/// <summary>The OAuth endpoints answer in the OAuth shape (RFC 6749 section 5.2), never the API envelope.</summary>
public static class OAuthResponses
{
    public static bool IsOAuthPath(PathString path) =>
        path.StartsWithSegments("/oauth", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/api/auth/device", StringComparison.OrdinalIgnoreCase);

    public static Task WriteErrorAsync(HttpContext context, OAuthError error, int status = StatusCodes.Status400BadRequest)
    {
        context.Response.StatusCode = StatusOf(context, error, status);
        NoStore(context);
        return context.Response.WriteAsJsonAsync(error, AkuaJson.Options, context.RequestAborted);
    }

    /// <summary>An error answer of a handler, with the status RFC 6749 section 5.2 asks for.</summary>
    public static IResult Error(HttpContext context, OAuthError error) =>
        Results.Json(error, AkuaJson.Options, statusCode: StatusOf(context, error, StatusCodes.Status400BadRequest));

    /// <summary>
    /// A client that authenticated with the Authorization header (client_secret_basic) and failed gets 401 with a
    /// <c>WWW-Authenticate</c> of that scheme (RFC 6749 section 5.2: MUST); every other error keeps its status.
    /// </summary>
    private static int StatusOf(HttpContext context, OAuthError error, int status)
    {
        if (error.Error != "invalid_client" || !context.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return status;
        }

        context.Response.Headers.WWWAuthenticate = Authentication.AkuaAuthenticationDefaults.BasicChallenge;
        return StatusCodes.Status401Unauthorized;
    }

    /// <summary>Token answers must not be cached (RFC 6749 section 5.1).</summary>
    public static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }
}
