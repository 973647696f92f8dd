using Microsoft.AspNetCore.Diagnostics;

namespace Akua.WebApi.Http;

/// <summary>
/// Who gets an HTML error page instead of the JSON envelope: a person's browser on a browser route. The
/// machine routes (<c>/v1</c>, <c>/api</c>, the OAuth token and revocation endpoints, discovery, health) keep
/// the envelope whatever the client accepts, and so does any client that does not ask for HTML.
/// </summary>
public static class BrowserErrors
{
    /// <summary>The Razor page that renders the error in the site's layout (<c>Pages/Error.cshtml</c>).</summary>
    public const string PagePath = "/error";

    private static readonly string[] MachinePrefixes =
        ["/v1", "/api", "/oauth/token", "/oauth/revoke", "/.well-known", "/healthz", "/readyz", "/internal"];

    public static bool WantsHtml(HttpContext context)
    {
        var path = OriginalPath(context);
        if (MachinePrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var accept = context.Request.GetTypedHeaders().Accept;
        return accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The path the client asked for. Re-executing the error page rewrites <c>Request.Path</c> (the exception
    /// handler does so even before it asks the <c>IExceptionHandler</c>s), so whoever decides by path asks here.
    /// </summary>
    public static PathString OriginalPath(HttpContext context) =>
        context.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath is { } reExecuted ? new PathString(reExecuted)
        : context.Features.Get<IExceptionHandlerPathFeature>()?.Path is { } failed ? new PathString(failed)
        : context.Request.Path;

    /// <summary>
    /// Status codes the framework answers by itself (no route, wrong method, wrong content type) are
    /// re-executed at the error page, which answers HTML for a browser and the JSON envelope for everyone
    /// else. (Re-executing only browser requests, in a branch, would lose the endpoint routing the error page
    /// needs.)
    /// </summary>
    public static IApplicationBuilder UseStatusPages(this IApplicationBuilder app) =>
        app.UseStatusCodePagesWithReExecute(PagePath, "?status={0}");

    public static string TitleFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "This request could not be understood",
        StatusCodes.Status403Forbidden => "You do not have access to this page",
        StatusCodes.Status404NotFound => "Page not found",
        StatusCodes.Status405MethodNotAllowed => "This page cannot do that",
        StatusCodes.Status413PayloadTooLarge => "That was too much to send",
        StatusCodes.Status429TooManyRequests => "Too many attempts",
        StatusCodes.Status503ServiceUnavailable => "Akua is briefly unavailable",
        _ => "Something went wrong",
    };

    public static string MessageFor(int status) => status switch
    {
        StatusCodes.Status403Forbidden => "Your account is signed in but may not open this. Ask an owner or admin of the workspace.",
        StatusCodes.Status404NotFound => "There is no page at this address. Check the link, or start again from the home page.",
        StatusCodes.Status429TooManyRequests => "Wait a little, then try again.",
        StatusCodes.Status503ServiceUnavailable => "Try again in a few seconds. Nothing you sent was lost half-way: it was done whole or not at all.",
        >= 500 => "The error was logged with the request id below. Try again; if it persists, send the request id to your administrator.",
        _ => "Go back and try again.",
    };
}
