using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Auditing;
using Akua.WebApi.Endpoints;

namespace Akua.WebApi.Http;

/// <summary>The current request's user agent and address (the forwarded-headers middleware has already applied trusted proxies).</summary>
public sealed class HttpRequestClient(IHttpContextAccessor accessor) : IRequestClient
{
    public ClientContext Current => accessor.HttpContext is { } http ? AccountEndpoints.ClientOf(http) : ClientContext.Unknown;
}
