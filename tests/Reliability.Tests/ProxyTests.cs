using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Akua.TestSupport;

namespace Akua.Reliability.Tests;

/// <summary>
/// Two server nodes on one PostgreSQL database behind Debian's nginx, which terminates TLS: what a deployment
/// behind a load balancer looks like. The nodes trust forwarded headers from the proxy's address only.
/// </summary>
public sealed class NginxClusterFixture : IAsyncLifetime
{
    public PostgresTestDatabase Database { get; } = new();

    public Cluster? Cluster { get; private set; }

    public Nginx? Proxy { get; private set; }

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        if (Database.SkipReason is not null || Nginx.Unavailable is not null)
        {
            return;
        }

        var port = Nginx.ReservePort();
        Cluster = await Cluster.StartAsync(Database.Options, nodes: 2, new Dictionary<string, string>
        {
            ["Akua__PublicUrl"] = $"https://{Nginx.HostName}:{port}",
            // nginx connects from 127.0.0.1; the clients connect from other loopback addresses.
            ["Proxy__KnownProxies__0"] = "127.0.0.1",
            ["RateLimits__DeviceCodesPerMinute"] = "2",
        });
        Proxy = await Nginx.StartAsync(port, Cluster.Nodes.Select(n => n.BaseAddress));
    }

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    /// <summary>The proxy, once its parts are known to be here (else the test skips, or fails under CI).</summary>
    public Nginx Require()
    {
        Nginx.RequireAvailable();
        Database.RequireAvailable();
        return Proxy!;
    }
}

public sealed class ProxyTests(NginxClusterFixture fixture) : IClassFixture<NginxClusterFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

    private static async Task<string?> SessionAddressAsync(HttpClient http, string session)
    {
        var sessions = await JsonAsync(await Api.SendAsync(http, HttpMethod.Get, "/v1/sessions", session));
        return sessions.GetProperty("data")[0].GetProperty("ip").GetString();
    }

    [Fact]
    public async Task Sessions_record_the_address_nginx_saw_and_never_a_spoofed_forwarded_header()
    {
        var proxy = fixture.Require();
        using var client = proxy.ClientFrom("127.0.0.7");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.1"); // a lie nginx passes on, before the truth

        var (_, session, _) = await Api.SignUpAsync(client);

        Assert.Equal("127.0.0.7", await SessionAddressAsync(client, session));

        // Straight to a node, not through the proxy: forwarded headers from anyone else are ignored.
        var node = fixture.Cluster!.Nodes[0].BaseAddress;
        using var direct = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = (_, ct) => Nginx.ConnectFromAsync("127.0.0.9", new IPEndPoint(IPAddress.Loopback, node.Port), ct),
        })
        { BaseAddress = node };
        direct.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.1");
        direct.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        direct.DefaultRequestHeaders.Host = Nginx.HostName; // HSTS is never sent to localhost names: this one would get it
        var (_, directSession, _) = await Api.SignUpAsync(direct);
        Assert.Equal("127.0.0.9", await SessionAddressAsync(direct, directSession));
        var login = await direct.GetAsync("/login", Cancel);
        Assert.False(login.Headers.Contains("Strict-Transport-Security"), "a spoofed X-Forwarded-Proto made the node think it was https");
    }

    /// <summary>
    /// An address-bound token (issue 19) is judged by the client's address as nginx saw it: not the proxy's, and
    /// not what a client writes into X-Forwarded-For itself.
    /// </summary>
    [Fact]
    public async Task An_address_bound_token_is_judged_by_the_clients_address_behind_the_proxy()
    {
        var proxy = fixture.Require();
        using var ci = proxy.ClientFrom("127.0.0.7");
        using var elsewhere = proxy.ClientFrom("127.0.0.8");
        elsewhere.DefaultRequestHeaders.Add("X-Forwarded-For", "127.0.0.7"); // claims to be the CI runner
        var (_, session, workspace) = await Api.SignUpAsync(ci);
        var created = await JsonAsync(await Api.SendAsync(ci, HttpMethod.Post, "/v1/api_tokens", session, workspace,
            new { name = "ci", permissions = new[] { "installs:write" }, allowed_ips = new[] { "127.0.0.7" } }));
        var token = created.GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(ci, HttpMethod.Get, "/v1/installs", token)).StatusCode);
        var refused = await Api.SendAsync(elsewhere, HttpMethod.Get, "/v1/installs", token);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("ip_not_allowed", (await JsonAsync(refused)).GetProperty("error").GetProperty("code").GetString());

        // The proxy itself (127.0.0.1, the address every node sees) is not the client either.
        var toProxyAddress = await JsonAsync(await Api.SendAsync(ci, HttpMethod.Post, "/v1/api_tokens", session, workspace,
            new { name = "proxy-bound", allowed_ips = new[] { "127.0.0.1" } }));
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.SendAsync(ci, HttpMethod.Get, "/v1/installs", toProxyAddress.GetProperty("token").GetString()!)).StatusCode);
    }

    [Fact]
    public async Task Per_address_limits_count_each_client_not_the_proxy()
    {
        var proxy = fixture.Require();
        using var greedy = proxy.ClientFrom("127.0.0.5");
        using var other = proxy.ClientFrom("127.0.0.6");
        static Task<HttpResponseMessage> StartAsync(HttpClient http) =>
            http.PostAsync("/api/auth/device/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "cnap-cli" }), Cancel);

        // Two a minute per address on each of the two nodes: the fifth is refused wherever it lands.
        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((int)(await StartAsync(greedy)).StatusCode);
        }

        Assert.Contains(429, statuses);
        // Behind the proxy without forwarded headers, everyone was 127.0.0.1: this one would be refused too.
        Assert.Equal(200, (int)(await StartAsync(other)).StatusCode);
    }

    [Fact]
    public async Task Over_https_through_the_proxy_cookies_are_secure_and_hsts_is_sent()
    {
        var proxy = fixture.Require();
        var (email, _, _) = await Api.SignUpAsync(fixture.Cluster!.Clients[0]);
        using var browserHttp = proxy.ClientFrom("127.0.0.8");

        var form = await browserHttp.GetAsync("/login", Cancel);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("max-age=31536000", form.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        var token = BrowserSession.AntiforgeryTokenOf(await form.Content.ReadAsStringAsync(Cancel));
        var signIn = await browserHttp.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = Api.Password, ["__RequestVerificationToken"] = token,
        }), Cancel);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        foreach (var name in new[] { "akua_session=", "akua_device=" })
        {
            var cookie = Assert.Single(cookies, c => c.StartsWith(name, StringComparison.Ordinal));
            Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        }

        // And the signed-in pages work through the proxy (the session cookie comes back over https).
        var home = await browserHttp.GetAsync("/settings/sessions", Cancel);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("127.0.0.8", await home.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_issuer_and_every_advertised_url_are_the_public_https_url()
    {
        var proxy = fixture.Require();
        using var client = proxy.ClientFrom("127.0.0.10");
        var origin = proxy.BaseAddress.ToString().TrimEnd('/');

        var metadata = await JsonAsync(await client.GetAsync("/.well-known/oauth-authorization-server", Cancel));
        Assert.Equal(origin, metadata.GetProperty("issuer").GetString());
        Assert.StartsWith(origin + "/", metadata.GetProperty("token_endpoint").GetString(), StringComparison.Ordinal);

        var device = await JsonAsync(await client.PostAsync("/api/auth/device/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "cnap-cli" }), Cancel));
        Assert.Equal(origin + "/device", device.GetProperty("verification_uri").GetString());

        var jwks = await client.GetAsync("/.well-known/jwks.json", Cancel);
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        Assert.NotEmpty((await JsonAsync(jwks)).GetProperty("keys").EnumerateArray());
    }
}
