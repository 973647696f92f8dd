using System.Net;
using Akua.Infrastructure.Persistence;
using Microsoft.AspNetCore.HttpOverrides;

namespace Akua.WebApi.Http;

/// <summary>
/// Behind a load balancer or reverse proxy: the client's address and scheme come from <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c>, but only when the connection comes from a proxy named in <c>Proxy:KnownProxies</c>
/// (addresses) or <c>Proxy:KnownNetworks</c> (CIDR). Anyone else's forwarded headers are ignored, so a client
/// cannot choose the address its limits are counted against. Nothing is trusted by default (not even loopback,
/// which ASP.NET Core would trust). <c>Proxy:ForwardLimit</c> (default 1) is the number of proxies in front.
/// </summary>
public static class TrustedProxies
{
    /// <summary>Configures forwarded headers; false (nothing to use) when no proxy is configured.</summary>
    public static bool AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Values(configuration, "Proxy:KnownProxies").Select(value => IPAddress.TryParse(value, out var address)
            ? address : throw new StartupException($"Proxy:KnownProxies: '{value}' is not an IP address.")).ToList();
        var networks = Values(configuration, "Proxy:KnownNetworks").Select(value => System.Net.IPNetwork.TryParse(value, out var network)
            ? network : throw new StartupException($"Proxy:KnownNetworks: '{value}' is not a network in CIDR form (10.0.0.0/8, fd00::/8).")).ToList();
        if (proxies.Count == 0 && networks.Count == 0)
        {
            // ASP.NET Core's own switch trusts every client's forwarded headers: exactly what this refuses.
            if (configuration.GetValue<bool>("FORWARDEDHEADERS_ENABLED"))
            {
                throw new StartupException("ASPNETCORE_FORWARDEDHEADERS_ENABLED would trust forwarded headers from anyone: unset it and name the proxies in Proxy:KnownProxies or Proxy:KnownNetworks.");
            }

            return false;
        }

        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = configuration.GetValue("Proxy:ForwardLimit", 1);
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
        });
        return true;
    }

    /// <summary>A list in configuration: <c>Proxy__KnownProxies__0=...</c>, or one comma-separated value.</summary>
    /// <summary>A setting given as a list (<c>Key__0=...</c>) or as one comma-separated value, trimmed, blanks left out.</summary>
    public static IEnumerable<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.Value is { } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? string.Empty);
        return values.Select(v => v.Trim()).Where(v => v.Length > 0);
    }
}
