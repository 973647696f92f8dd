using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// A client that repeats its bearer header on one keep-alive connection is not hashed again (ADR 0015): over
/// real Kestrel and one TCP connection, every decision stays exactly what a fresh connection would get.
/// </summary>
public sealed class KeepAliveTests(KeepAliveTests.KestrelApiFactory factory) : IClassFixture<KeepAliveTests.KestrelApiFactory>
{
    [Fact]
    public async Task A_token_revoked_elsewhere_is_refused_on_the_connection_that_used_it()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var (id, token) = await admin.CreateApiTokenAsync();
        using var connection = factory.OneConnection();
        var caller = new ApiClient(connection, token);
        for (var i = 0; i < 3; i++)
        {
            await caller.ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        }

        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/api_tokens/{id}");

        await (await caller.GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");
    }

    [Fact]
    public async Task A_session_signed_out_on_its_own_connection_is_refused_on_the_next_request()
    {
        var ann = await factory.SignUpAsync();
        using var connection = factory.OneConnection();
        var caller = new ApiClient(connection, ann.Token);
        await caller.ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        await caller.ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");

        await caller.ExpectAsync(204, HttpMethod.Post, "/api/auth/sign-out");

        await (await caller.GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");
    }

    [Fact]
    public async Task Tokens_that_take_turns_on_one_connection_are_each_themselves()
    {
        var ann = await factory.SignUpAsync();
        var bob = await factory.SignUpAsync();
        var (tokenId, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync("member");
        using var connection = factory.OneConnection();

        for (var i = 0; i < 3; i++)
        {
            var asAnn = await new ApiClient(connection, ann.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
            var asToken = await new ApiClient(connection, token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
            var asBob = await new ApiClient(connection, bob.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
            await (await new ApiClient(connection, "sk_akua_0000").GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");

            Assert.Equal(ann.UserId, asAnn.GetProperty("user").GetProperty("id").GetString());
            Assert.Equal(tokenId, asToken.GetProperty("id").GetString());
            Assert.Equal(bob.UserId, asBob.GetProperty("user").GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task A_token_that_expires_while_its_connection_is_open_is_refused_then()
    {
        var ann = await factory.SignUpAsync();
        var expiresAt = factory.Clock!.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync(expiresAt: expiresAt);
        using var connection = factory.OneConnection();
        var caller = new ApiClient(connection, token);
        await caller.ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        await caller.ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");

        factory.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await (await caller.GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");
    }

    /// <summary>The server over Kestrel on a loopback port (in-memory test servers have no connections), with a test clock.</summary>
    public sealed class KestrelApiFactory : AkuaApiFactory
    {
        public KestrelApiFactory()
            : base(() => new SqliteTestDatabase())
        {
            Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            UseKestrel(0);
        }

        /// <summary>A client that sends every request over one TCP connection, kept alive.</summary>
        public HttpClient OneConnection()
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri(address),
            };
        }
    }
}
