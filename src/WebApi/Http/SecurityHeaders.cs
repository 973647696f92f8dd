namespace Akua.WebApi.Http;

public static class SecurityHeaders
{
    /// <summary>
    /// No framing, no sniffing, no referrer leaks, and a strict CSP: only this origin's scripts and styles,
    /// nothing inline, forms post only here.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly object FormRedirectKey = new();

    /// <summary>
    /// Lets this one response's forms end in a redirect to <paramref name="redirectUri"/>'s origin. A browser
    /// applies <c>form-action</c> to every redirect that follows a form submission, so the consent page, whose
    /// form is answered with a redirect to the client, must name the client's origin (ADR 0017). Only for a
    /// redirect URI the client registered and the use case checked; every other page keeps <c>'self'</c>.
    /// </summary>
    public static void AllowFormRedirectTo(HttpContext context, string redirectUri)
    {
        if (FormActionSource(redirectUri) is { } source)
        {
            context.Items[FormRedirectKey] = source;
        }
    }

    /// <summary>
    /// The CSP source that matches exactly the redirect URI's origin: <c>https://host:port</c> for http(s),
    /// the scheme alone (<c>com.example.app:</c>) for a private-use scheme of a native app; null for anything
    /// else (then the page keeps <c>'self'</c> alone).
    /// </summary>
    public static string? FormActionSource(string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri))
        {
            return null;
        }

        if (uri.Scheme is "http" or "https")
        {
            // IPv6 literals have no CSP host-source form; such a client is not reachable by a form redirect.
            return uri.HostNameType is UriHostNameType.IPv6 ? null : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
        }

        // A native app's private-use scheme is a reverse domain name (RFC 8252 section 7.1), so it has a dot:
        // that also keeps javascript:, data: and their kind out of the policy whatever was registered.
        return uri.Scheme.Contains('.', StringComparison.Ordinal) && uri.Scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')
            ? uri.Scheme + ":"
            : null;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set as the response starts: the exception handler clears headers set earlier.
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = http.Items.TryGetValue(FormRedirectKey, out var source)
                ? ContentSecurityPolicy.Replace("form-action 'self'", $"form-action 'self' {source}", StringComparison.Ordinal)
                : ContentSecurityPolicy;
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
