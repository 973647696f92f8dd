using System.Diagnostics;
using Akua.Domain.Common;
using Akua.Domain.Workspaces;
using Akua.Infrastructure.Credentials;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>
    /// Issue 21: a session's workspace request is authorized by the role this node remembers, so in the steady state
    /// it sends exactly the queries of the same request made with a workspace token (which carries its role).
    /// </summary>
    [Fact]
    public async Task A_sessions_workspace_request_sends_only_its_own_queries_once_the_role_is_remembered()
    {
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        var bySession = factory.Api(ann.Token, ann.WorkspaceId);
        var byToken = factory.Api(token);
        await bySession.ExpectAsync(200, HttpMethod.Get, "/v1/installs"); // both remembered
        await byToken.ExpectAsync(200, HttpMethod.Get, "/v1/installs");

        async Task<long> CommandsOf(ApiClient caller)
        {
            var before = factory.Meter.RequestCommands;
            for (var i = 0; i < 10; i++)
            {
                await caller.ExpectAsync(200, HttpMethod.Get, "/v1/installs");
            }

            return factory.Meter.RequestCommands - before;
        }

        var (session, workspaceToken) = (await CommandsOf(bySession), await CommandsOf(byToken));
        Assert.True(workspaceToken >= 10, $"the list sent {workspaceToken} commands in 10 requests: the count proves nothing");
        Assert.Equal(workspaceToken, session);
    }

    /// <summary>
    /// A demoted or removed member is refused on the node that changed it at once, and on another node within a
    /// second (on a server database, once the changing request returns: MultiNodePostgresTests).
    /// </summary>
    [Fact]
    public async Task A_role_change_or_removal_on_one_node_is_honoured_by_another_that_remembered_the_role()
    {
        await using var other = new AkuaApiFactory(() => new ExistingDatabase(factory.Database));
        await other.InitializeAsync();
        var owner = await factory.SignUpAsync();
        var bea = await factory.SignUpAsync();
        await factory.InviteAndAcceptAsync(factory.Api(owner.Token, owner.WorkspaceId), bea, role: "admin");
        var members = factory.Api(owner.Token, owner.WorkspaceId);
        // An admin's request: the install does not exist (404) once the role allows asking (else 403).
        var adminOnly = $"/v1/installs/inst_{Guid.NewGuid():N}";
        foreach (var node in new[] { factory, other })
        {
            await (await node.Api(bea.Token, owner.WorkspaceId).DeleteAsync(adminOnly)).AssertErrorAsync(404, "not_found"); // remembered as admin
        }

        // The other node answers from its memory (else this test would prove nothing about forgetting).
        Assert.True(EntityId.TryParse<WorkspaceId>(owner.WorkspaceId, out var workspace));
        Assert.True(EntityId.TryParse<UserId>(bea.UserId, out var user));
        Assert.True(other.Services.GetRequiredService<MembershipCache>().TryGet(workspace, user, out var remembered) && remembered == WorkspaceRole.Admin,
            "the other node did not remember the role");
        await members.ExpectAsync(200, HttpMethod.Patch, $"/v1/members/{bea.UserId}", new { role = "member" });
        await (await factory.Api(bea.Token, owner.WorkspaceId).DeleteAsync(adminOnly)).AssertErrorAsync(403, "forbidden");
        await RefusedWithinASecondAsync(other.Api(bea.Token, owner.WorkspaceId), adminOnly, 403);

        await other.Api(bea.Token, owner.WorkspaceId).ExpectAsync(200, HttpMethod.Get, "/v1/members"); // remembered as member
        await members.ExpectAsync(204, HttpMethod.Delete, $"/v1/members/{bea.UserId}");
        await (await factory.Api(bea.Token, owner.WorkspaceId).GetAsync("/v1/members")).AssertErrorAsync(403, "forbidden");
        await RefusedWithinASecondAsync(other.Api(bea.Token, owner.WorkspaceId), "/v1/members", 403);

        static async Task RefusedWithinASecondAsync(ApiClient caller, string url, int status)
        {
            var clock = Stopwatch.StartNew();
            while ((int)(await caller.SendAsync(url == "/v1/members" ? HttpMethod.Get : HttpMethod.Delete, url)).StatusCode != status)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "the other node still authorizes by the old role");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }
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
