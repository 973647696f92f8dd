using Akua.Application.Common.Abstractions;

namespace Akua.WebApi.Http;

/// <summary>
/// The issuer is the server's public base URL, as in the metadata document (RFC 8414 section 2): configured
/// (<see cref="PublicUrl"/>), read once. One per node.
/// </summary>
public sealed class HttpIssuer(IHttpContextAccessor accessor, string? configured) : IIssuer
{
    public string Issuer => configured
        ?? (accessor.HttpContext is { } http ? PublicUrl.FromRequest(http)
            : throw new InvalidOperationException($"No request and no {PublicUrl.Key}: the issuer is unknown."));
}
