using System.Security.Cryptography;
using Akua.Domain.Common;
using Akua.Domain.DeviceCodes;
using Akua.Domain.OAuth;
using Akua.Domain.Revocations;
using Akua.Domain.Sessions;
using Akua.Infrastructure.Persistence;
using Akua.Infrastructure.Retention;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// Retention (issue 20): what has ended is deleted after its grace period, what lives stays, and one node at a
/// time does it. The clock is moved; every table's rows are made as the service makes them.
/// </summary>
public abstract class RetentionTests(AkuaApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Hash() => RandomNumberGenerator.GetBytes(32);

    private AkuaDbContext Db() => new(factory.Database.Options.ToContextOptions());

    private RetentionService Retention => factory.Services.GetRequiredService<RetentionService>();

    [Fact]
    public async Task Ended_rows_go_after_their_grace_and_live_ones_stay()
    {
        var clock = factory.Clock!;
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        Assert.True(EntityId.TryParse<UserId>(ann.UserId, out var user));
        var now = clock.GetUtcNow();
        var shortLived = (await admin.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "short", expires_at = now.AddDays(1).ToUnixTimeSeconds() })).GetProperty("id").GetString()!;
        var longLived = (await admin.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "long", expires_at = now.AddDays(100).ToUnixTimeSeconds() })).GetProperty("id").GetString()!;
        var forever = (await admin.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "forever" })).GetProperty("id").GetString()!;

        var device = DeviceCode.Create(Hash(), "BCDF-GHJK", "cnap-cli", null, "127.0.0.1", "test", clock);
        var code = AuthorizationCode.Issue(Hash(), "some-client", user, "https://app.example/cb", "api", new string('a', 43), clock);
        var refresh = RefreshToken.Issue(Hash(), Guid.NewGuid(), "some-client", user, "api", clock);
        var session = Session.Start(user, Hash(), "cnap-cli", "test", "127.0.0.1", clock);
        var revocation = Revocation.Of(Hash(), now);
        var window = new Akua.Infrastructure.Abuse.AttemptWindow { KeyHash = Hash(), WindowStart = now, Attempts = 3 };
        await using (var db = Db())
        {
            db.AddRange(device, code, refresh, session, revocation, window);
            await db.SaveChangesAsync(Ct);
        }

        // Nothing has ended long enough yet.
        var first = await Retention.PruneAsync(Ct);
        Assert.NotNull(first);
        Assert.Equal(0, first["device_codes"] + first["authorization_codes"] + first["refresh_tokens"] + first["api_tokens"] + first["attempt_windows"]);

        // 40 days on: the codes, the refresh token (30 days), the one-day token (past its 30-day grace) and the
        // feed entry are gone; the session (365 days) and the other tokens stay. Audit events outlive the token.
        clock.AdjustTime(clock.GetUtcNow() + TimeSpan.FromDays(40));
        Assert.NotNull(await Retention.PruneAsync(Ct));
        await using (var db = Db())
        {
            Assert.False(await db.DeviceCodes.AnyAsync(d => d.Id == device.Id, Ct));
            Assert.False(await db.AuthorizationCodes.AnyAsync(c => c.Id == code.Id, Ct));
            Assert.False(await db.RefreshTokens.AnyAsync(t => t.Id == refresh.Id, Ct));
            Assert.False(await db.Revocations.AnyAsync(r => r.Id == revocation.Id, Ct));
            Assert.False(await db.AttemptWindows.AnyAsync(w => w.KeyHash == window.KeyHash, Ct)); // its window closed long ago
            Assert.True(await db.Sessions.AnyAsync(s => s.Id == session.Id, Ct));
            var tokens = await db.ApiTokens.Select(t => t.Id).ToListAsync(Ct);
            Assert.DoesNotContain(tokens, t => t.ToString() == shortLived);
            Assert.Contains(tokens, t => t.ToString() == longLived);
            Assert.Contains(tokens, t => t.ToString() == forever);
            Assert.True(await db.AuditEvents.AnyAsync(e => e.TargetId == shortLived, Ct));
        }

        // A year and more on: the session and the 100-day token have ended too; the token without expiry stays.
        clock.AdjustTime(clock.GetUtcNow() + TimeSpan.FromDays(330));
        Assert.NotNull(await Retention.PruneAsync(Ct));
        await using (var db = Db())
        {
            Assert.False(await db.Sessions.AnyAsync(s => s.Id == session.Id, Ct));
            var tokens = await db.ApiTokens.Select(t => t.Id).ToListAsync(Ct);
            Assert.DoesNotContain(tokens, t => t.ToString() == longLived);
            Assert.Contains(tokens, t => t.ToString() == forever);
        }
    }

    /// <summary>Three nodes would race to delete the same rows: the lease lets one at a time, and moves on when it lapses.</summary>
    [Fact]
    public async Task One_node_at_a_time_holds_the_lease_and_another_takes_it_when_it_lapses()
    {
        var clock = factory.Clock!;
        var scopes = factory.Services.GetRequiredService<IServiceScopeFactory>();
        var a = new Leases(scopes, clock);
        var b = new Leases(scopes, clock);
        const string name = "test-lease";

        Assert.True(await a.TryAcquireAsync(name, TimeSpan.FromMinutes(5), Ct));
        Assert.False(await b.TryAcquireAsync(name, TimeSpan.FromMinutes(5), Ct));
        Assert.True(await a.TryAcquireAsync(name, TimeSpan.FromMinutes(5), Ct)); // renewal by its holder

        clock.AdjustTime(clock.GetUtcNow() + TimeSpan.FromMinutes(6)); // a died: its lease lapses
        Assert.True(await b.TryAcquireAsync(name, TimeSpan.FromMinutes(5), Ct));
        Assert.False(await a.TryAcquireAsync(name, TimeSpan.FromMinutes(5), Ct));

        await b.ReleaseAsync(name, Ct); // done early: free at once
        Assert.True(await a.TryAcquireAsync(name, TimeSpan.FromMinutes(5), Ct));

        // Racing for a free lease: exactly one wins.
        const string raced = "raced-lease";
        var nodes = Enumerable.Range(0, 6).Select(_ => new Leases(scopes, clock)).ToList();
        var won = await Task.WhenAll(nodes.Select(n => n.TryAcquireAsync(raced, TimeSpan.FromMinutes(5), Ct)));
        Assert.Equal(1, won.Count(w => w));

        // While another node holds retention's lease, this node's pass does nothing.
        var other = new Leases(scopes, clock);
        clock.AdjustTime(clock.GetUtcNow() + TimeSpan.FromHours(1));
        Assert.True(await other.TryAcquireAsync(RetentionService.LeaseName, TimeSpan.FromMinutes(30), Ct));
        Assert.Null(await Retention.PruneAsync(Ct));
        await other.ReleaseAsync(RetentionService.LeaseName, Ct);
        Assert.NotNull(await Retention.PruneAsync(Ct));
    }
}

public sealed class SqliteRetentionFactory : AkuaApiFactory
{
    public SqliteRetentionFactory()
        : base(() => new SqliteTestDatabase()) => Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
}

public sealed class PostgresRetentionFactory : AkuaApiFactory
{
    public PostgresRetentionFactory()
        : base(() => new PostgresTestDatabase()) => Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
}

public sealed class SqliteRetentionTests(SqliteRetentionFactory factory) : RetentionTests(factory), IClassFixture<SqliteRetentionFactory>;

public sealed class PostgresRetentionTests(PostgresRetentionFactory factory) : RetentionTests(factory), IClassFixture<PostgresRetentionFactory>;
