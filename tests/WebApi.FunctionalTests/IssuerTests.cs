using System.Net.Http.Headers;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// The issuer is configuration (<c>Akua:PublicUrl</c>), never the Host header a client sends: not in the JWTs,
/// not in the metadata, not in the device verification URL.
/// </summary>
public sealed class IssuerTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    private const string Hostile = "evil.example";

    private async Task<HttpResponseMessage> SendWithHostAsync(HttpMethod method, string url, HttpContent? content = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Host = Hostile;
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_metadata_and_the_device_verification_url_name_the_configured_url_whatever_the_host()
    {
        var metadata = await (await SendWithHostAsync(HttpMethod.Get, "/.well-known/oauth-authorization-server")).JsonAsync();
        Assert.Equal("http://localhost", metadata.GetProperty("issuer").GetString());
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "jwks_uri", "revocation_endpoint", "device_authorization_endpoint" })
        {
            Assert.StartsWith("http://localhost/", metadata.GetProperty(endpoint).GetString(), StringComparison.Ordinal);
        }

        var device = await SendWithHostAsync(HttpMethod.Post, "/api/auth/device/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "cnap-cli" }));
        Assert.Equal("http://localhost/device", (await device.JsonAsync()).GetProperty("verification_uri").GetString());
    }

    [Fact]
    public async Task A_jwt_issued_to_a_request_with_another_host_names_the_configured_issuer()
    {
        var user = await factory.SignUpAsync();

        var jwt = await OAuthFlow.AccessTokenAsync(factory, user, host: Hostile);

        Assert.Equal("http://localhost", new JsonWebToken(jwt).Issuer);
        await factory.Api(jwt).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        Assert.Equal(200, (int)(await SendWithHostAsync(HttpMethod.Get, "/v1/auth/whoami", bearer: jwt)).StatusCode);
    }
}

/// <summary>A laptop: Development with no public URL, where the issuer follows the request.</summary>
public sealed class DevelopmentApiFactory() : AkuaApiFactory(() => new SqliteTestDatabase())
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Development");
        builder.UseSetting("Akua:PublicUrl", "");
    }
}

public sealed class DevelopmentIssuerTests(DevelopmentApiFactory factory) : IClassFixture<DevelopmentApiFactory>
{
    [Fact]
    public async Task A_cached_jwt_is_held_to_the_issuer_it_was_accepted_for()
    {
        var user = await factory.SignUpAsync();
        var jwt = await OAuthFlow.AccessTokenAsync(factory, user);
        Assert.Equal("http://localhost", new JsonWebToken(jwt).Issuer);
        await factory.Api(jwt).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami"); // now in this node's credential cache

        // At another host the issuer is another: the cache must not vouch for a token issued by the first.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/auth/whoami");
        request.Headers.Host = "other.example";
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        var elsewhere = await factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        await elsewhere.AssertErrorAsync(401, "unauthorized");

        await factory.Api(jwt).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
    }
}
