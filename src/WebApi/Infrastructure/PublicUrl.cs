namespace Akua.WebApi.Infrastructure;

/// <summary>The server's public base URL: <c>Akua:PublicUrl</c> when configured (behind a proxy), else the request's own.</summary>
public static class PublicUrl
{
    public static string Of(HttpContext http)
    {
        var configured = http.RequestServices.GetRequiredService<IConfiguration>()["Akua:PublicUrl"];
        return string.IsNullOrWhiteSpace(configured)
            ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}"
            : configured.TrimEnd('/');
    }
}
