using Akua.Infrastructure.Persistence;

namespace Akua.WebApi.Http;

/// <summary>
/// The server's public base URL (<c>Akua:PublicUrl</c>): the JWT issuer, the metadata document's URLs and the
/// device verification URL. It is configuration, never the request's Host header (which any client chooses):
/// outside Development the server refuses to start without it. Only in Development, where it may be unset,
/// is the request's own scheme and host used, for convenience on a laptop.
/// </summary>
public static class PublicUrl
{
    public const string Key = "Akua:PublicUrl";

    /// <summary>The configured URL, normalized (no trailing slash); a bad one, or none outside Development, stops the server.</summary>
    public static string? Configured(IConfiguration configuration, IHostEnvironment environment)
    {
        var value = configuration[Key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return environment.IsDevelopment() ? null
                : throw new StartupException($"{Key} is required outside Development: the public https URL of this service (the JWT issuer), e.g. Akua__PublicUrl=https://auth.example.com.");
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new StartupException($"{Key} must be an absolute http(s) URL without query or fragment, e.g. https://auth.example.com.");
        }

        return value.TrimEnd('/');
    }

    public static string Of(HttpContext http) =>
        http.RequestServices.GetRequiredService<Akua.Application.Common.Abstractions.IIssuer>().Issuer;

    /// <summary>Development only, when no URL is configured: the request's own.</summary>
    internal static string FromRequest(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}
