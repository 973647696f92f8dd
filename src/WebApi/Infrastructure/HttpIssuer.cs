using Akua.Application.Common.Abstractions;

namespace Akua.WebApi.Infrastructure;

/// <summary>The issuer is the server's public base URL, as in the metadata document (RFC 8414 section 2).</summary>
public sealed class HttpIssuer(IHttpContextAccessor accessor, IConfiguration configuration) : IIssuer
{
    public string Issuer => accessor.HttpContext is { } http
        ? PublicUrl.Of(http)
        : configuration["Akua:PublicUrl"]?.TrimEnd('/') ?? throw new InvalidOperationException("No request and no Akua:PublicUrl: the issuer is unknown.");
}
