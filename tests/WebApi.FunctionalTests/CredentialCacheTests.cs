using System.Diagnostics;
using Akua.Infrastructure.Credentials;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>Timing guarantees are measured alone, not while the rest of the suite shares the two cores.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection;

/// <summary>What the credential cache saves the database, and that revocation still wins, on one node and two.</summary>
[Collection(nameof(TimingCollection))]
public sealed class CredentialCacheTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    // Another workspace in Akua-Context: refused by the credential alone, so the request itself reads nothing.
    private const string Elsewhere = "ws_0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task A_known_token_is_looked_up_once_then_served_from_memory()
    {
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();

        var before = factory.Meter.RequestCommands;
        for (var i = 0; i < 20; i++)
        {
            await (await factory.Api(token, Elsewhere).GetAsync("/v1/installs")).AssertErrorAsync(403, "forbidden");
        }

        Assert.Equal(1, factory.Meter.RequestCommands - before);
    }

    /// <summary>What an operator sees on the Akua meter: each use counted once, by kind and outcome, and whether the cache answered.</summary>
    [Fact]
    public async Task The_meter_counts_each_authentication_and_whether_the_cache_answered_it()
    {
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        var broken = token[..^1] + (token[^1] == 'A' ? 'B' : 'A'); // a wrong checksum
        var meter = factory.Meter;
        var (hits, misses) = (meter.CacheHits, meter.CacheMisses);
        var (accepted, malformed) = (meter.Authentications("api_token", "accepted"), meter.Authentications("malformed", "refused"));

        for (var i = 0; i < 5; i++)
        {
            await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        }

        await (await factory.Api(broken).GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");

        Assert.Equal(5, meter.Authentications("api_token", "accepted") - accepted);
        Assert.Equal(1, meter.Authentications("malformed", "refused") - malformed);
        Assert.Equal(1, meter.CacheMisses - misses); // the first use; a malformed token never reaches the cache
        Assert.Equal(4, meter.CacheHits - hits);
    }

    [Fact]
    public async Task An_unknown_token_costs_one_query_however_often_it_is_sent()
    {
        var unknown = TokenFormat.WithChecksum("sk_akua_" + Guid.NewGuid().ToString("N")[..26]);

        var before = factory.Meter.RequestCommands;
        for (var i = 0; i < 20; i++)
        {
            await (await factory.Api(unknown).GetAsync("/v1/installs")).AssertErrorAsync(401, "unauthorized");
        }

        Assert.Equal(1, factory.Meter.RequestCommands - before);
    }

    [Fact]
    public async Task A_revocation_on_one_node_is_refused_by_another_within_a_second()
    {
        await using var other = new AkuaApiFactory(() => new ExistingDatabase(factory.Database));
        await other.InitializeAsync();
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var worst = TimeSpan.Zero;

        for (var trial = 0; trial < 5; trial++)
        {
            var (id, token) = await admin.CreateApiTokenAsync();
            await other.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami"); // cached on the other node

            await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/api_tokens/{id}");
            var clock = Stopwatch.StartNew();
            while ((int)(await other.Api(token).GetAsync("/v1/auth/whoami")).StatusCode != 401)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the other node still accepts a revoked token");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            worst = clock.Elapsed > worst ? clock.Elapsed : worst;
            await (await factory.Api(token).GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized"); // this node: at once
        }

        Assert.True(worst < TimeSpan.FromSeconds(1), $"worst revocation delay across nodes: {worst.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Logging_out_ends_a_cached_session_at_once()
    {
        var ann = await factory.SignUpAsync();
        await factory.Api(ann.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");

        await factory.Api(ann.Token).ExpectAsync(204, HttpMethod.Post, "/api/auth/sign-out");

        await (await factory.Api(ann.Token).GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");
    }

    [Fact]
    public async Task A_node_behind_on_the_revocation_feed_asks_the_database_for_credentials_but_not_for_unknown_tokens()
    {
        await using var behind = new FeedBehindApiFactory(factory.Database);
        await behind.InitializeAsync();
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        var unknown = TokenFormat.WithChecksum("sk_akua_" + Guid.NewGuid().ToString("N")[..26]);
        await behind.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami"); // started, and past its only feed read
        await Task.Delay(FeedBehindApiFactory.MaxStaleness * 2, TestContext.Current.CancellationToken);

        var before = behind.Meter.RequestCommands;
        for (var i = 0; i < 10; i++)
        {
            await (await behind.Api(unknown).GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");
        }

        Assert.Equal(1, behind.Meter.RequestCommands - before); // a "no" stays true whatever the feed says

        before = behind.Meter.RequestCommands;
        for (var i = 0; i < 10; i++)
        {
            await (await behind.Api(token, Elsewhere).GetAsync("/v1/installs")).AssertErrorAsync(403, "forbidden");
        }

        Assert.Equal(10, behind.Meter.RequestCommands - before); // a "yes" is asked of the database each time
    }

    /// <summary>A second node on the same database that reads the revocation feed once, at start, and never again.</summary>
    private sealed class FeedBehindApiFactory(TestDatabase database) : AkuaApiFactory(() => new ExistingDatabase(database))
    {
        public static readonly TimeSpan MaxStaleness = TimeSpan.FromMilliseconds(200);

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RevocationFeed:PollInterval", "01:00:00");
            builder.UseSetting("RevocationFeed:MaxStaleness", MaxStaleness.ToString());
        }
    }
}
