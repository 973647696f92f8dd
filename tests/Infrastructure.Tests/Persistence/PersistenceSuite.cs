using Akua.Domain.ApiTokens;
using Akua.Domain.Common;
using Akua.Domain.DeviceCodes;
using Akua.Domain.Installs;
using Akua.Domain.OAuth;
using Akua.Domain.Revocations;
using Akua.Domain.Sessions;
using Akua.Domain.Users;
using Akua.Domain.Workspaces;
using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Akua.Infrastructure.Tests.Persistence;

/// <summary>
/// The same persistence tests on every engine: each engine's class below supplies a fresh, migrated database.
/// </summary>
public abstract class PersistenceSuite(TestDatabase database)
{
    // Whole milliseconds, so every engine stores the instant exactly.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, 123, TimeSpan.Zero));

    private static byte[] RandomHash() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    private static string UniqueEmail() => $"u{Guid.NewGuid():N}@example.com";

    private static string UniqueSlug() => "ws-" + Guid.NewGuid().ToString("N")[..20];

    private async Task<(User User, Workspace Workspace)> SeedUserAndWorkspaceAsync()
    {
        await using var db = database.NewContext();
        var user = User.Register(UniqueEmail(), "Ann", "hash", _clock);
        var workspace = Workspace.Create("Acme", UniqueSlug(), user.Id, _clock);
        db.AddRange(user, workspace);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return (user, workspace);
    }

    private async Task<DomainException> SaveExpectingConflictAsync(params object[] entities)
    {
        await using var db = database.NewContext();
        db.AddRange(entities);
        var error = await Assert.ThrowsAsync<DomainException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorKind.Conflict, error.Kind);
        return error;
    }

    [Fact]
    public async Task Users_workspaces_and_memberships_round_trip()
    {
        var (user, workspace) = await SeedUserAndWorkspaceAsync();

        await using var db = database.NewContext();
        var loadedUser = await db.Users.SingleAsync(u => u.Id == user.Id, TestContext.Current.CancellationToken);
        var loaded = await db.Workspaces.Include(w => w.Memberships).SingleAsync(w => w.Id == workspace.Id, TestContext.Current.CancellationToken);

        Assert.Equal((user.Email, user.NormalizedEmail, user.Name, user.PasswordHash, user.CreatedAt, user.UpdatedAt),
            (loadedUser.Email, loadedUser.NormalizedEmail, loadedUser.Name, loadedUser.PasswordHash, loadedUser.CreatedAt, loadedUser.UpdatedAt));
        Assert.Equal((workspace.Name, workspace.Slug, workspace.CreatedAt, workspace.Version), (loaded.Name, loaded.Slug, loaded.CreatedAt, loaded.Version));
        var membership = Assert.Single(loaded.Memberships);
        Assert.Equal((user.Id, WorkspaceRole.Owner, workspace.Id), (membership.UserId, membership.Role, membership.WorkspaceId));
    }

    [Fact]
    public async Task Api_tokens_round_trip()
    {
        var (_, workspace) = await SeedUserAndWorkspaceAsync();
        var token = ApiToken.Issue(workspace.Id, "CI", WorkspaceRole.Member, RandomHash(), "sk_akua_abcd", _clock.GetUtcNow().AddDays(30), null, _clock);
        token.RecordUse(_clock.GetUtcNow().AddMinutes(1));
        await using (var db = database.NewContext())
        {
            db.ApiTokens.Add(token);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var read = database.NewContext();
        var loaded = await read.ApiTokens.SingleAsync(t => t.TokenHash == token.TokenHash, TestContext.Current.CancellationToken);
        Assert.Equal((token.Id, token.WorkspaceId, token.Name, token.Role, token.Prefix, token.CreatedAt, token.ExpiresAt, token.LastUsedAt),
            (loaded.Id, loaded.WorkspaceId, loaded.Name, loaded.Role, loaded.Prefix, loaded.CreatedAt, loaded.ExpiresAt, loaded.LastUsedAt));
        Assert.Equal(token.TokenHash, loaded.TokenHash);
    }

    [Fact]
    public async Task Sessions_round_trip()
    {
        var (user, _) = await SeedUserAndWorkspaceAsync();
        var session = Session.Start(user.Id, RandomHash(), "cnap-cli", "cnap/1.0 (linux)", "2001:db8::1", _clock);
        await using (var db = database.NewContext())
        {
            db.Sessions.Add(session);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var read = database.NewContext();
        var loaded = await read.Sessions.SingleAsync(s => s.Id == session.Id, TestContext.Current.CancellationToken);
        Assert.Equal((session.UserId, session.ClientId, session.UserAgent, session.IpAddress, session.CreatedAt, session.ExpiresAt, session.LastUsedAt),
            (loaded.UserId, loaded.ClientId, loaded.UserAgent, loaded.IpAddress, loaded.CreatedAt, loaded.ExpiresAt, loaded.LastUsedAt));
        Assert.Equal(session.TokenHash, loaded.TokenHash);
    }

    [Fact]
    public async Task Device_codes_round_trip_through_their_states()
    {
        var (user, _) = await SeedUserAndWorkspaceAsync();
        var code = DeviceCode.Create(RandomHash(), NewUserCode(), "cnap-cli", "openid", "127.0.0.1", "cnap/1.0", _clock);
        code.Poll(_clock);
        code.Approve(user.Id, _clock);
        var session = EntityId.New<SessionId>(_clock);
        code.Consume(session);
        await using (var db = database.NewContext())
        {
            db.DeviceCodes.Add(code);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var read = database.NewContext();
        var loaded = await read.DeviceCodes.SingleAsync(d => d.Id == code.Id, TestContext.Current.CancellationToken);
        Assert.Equal(
            (code.UserCode, code.ClientId, code.Scope, code.RequesterIp, code.RequesterUserAgent, code.Status, code.IntervalSeconds, code.LastPolledAt, code.CreatedAt, code.ExpiresAt, code.DecidedBy, code.DecidedAt, code.IssuedSessionId, code.Version),
            (loaded.UserCode, loaded.ClientId, loaded.Scope, loaded.RequesterIp, loaded.RequesterUserAgent, loaded.Status, loaded.IntervalSeconds, loaded.LastPolledAt, loaded.CreatedAt, loaded.ExpiresAt, loaded.DecidedBy, loaded.DecidedAt, loaded.IssuedSessionId, loaded.Version));
    }

    [Fact]
    public async Task Installs_and_revocations_round_trip()
    {
        var (_, workspace) = await SeedUserAndWorkspaceAsync();
        var install = Install.Create(workspace.Id, "web", "postgres", _clock);
        var revocation = Revocation.Of(RandomHash(), _clock.GetUtcNow());
        await using (var db = database.NewContext())
        {
            db.AddRange(install, revocation);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var read = database.NewContext();
        var loadedInstall = await read.Installs.SingleAsync(i => i.Id == install.Id, TestContext.Current.CancellationToken);
        var loadedRevocation = await read.Revocations.SingleAsync(r => r.Id == revocation.Id, TestContext.Current.CancellationToken);
        Assert.Equal((install.WorkspaceId, install.Name, install.Product, install.CreatedAt), (loadedInstall.WorkspaceId, loadedInstall.Name, loadedInstall.Product, loadedInstall.CreatedAt));
        Assert.Equal(revocation.CredentialHash, loadedRevocation.CredentialHash);
        Assert.Equal(revocation.RevokedAt, loadedRevocation.RevokedAt);
    }

    [Fact]
    public async Task Revocation_feed_ids_increase()
    {
        database.RequireAvailable();
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            await using var db = database.NewContext();
            var revocation = Revocation.Of(RandomHash(), _clock.GetUtcNow());
            db.Revocations.Add(revocation);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            ids.Add(revocation.Id);
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(3, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_second_account_with_the_same_email_in_another_case_is_refused()
    {
        database.RequireAvailable();
        var email = UniqueEmail();
        await using (var db = database.NewContext())
        {
            db.Users.Add(User.Register(email, "Ann", "hash", _clock));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var error = await SaveExpectingConflictAsync(User.Register(email.ToUpperInvariant(), "Ann", "hash", _clock));
        Assert.Contains("email", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_workspace_slug_is_unique()
    {
        var (user, workspace) = await SeedUserAndWorkspaceAsync();

        var error = await SaveExpectingConflictAsync(Workspace.Create("Other", workspace.Slug, user.Id, _clock));
        Assert.Contains("slug", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_user_is_a_member_of_a_workspace_once()
    {
        var (user, workspace) = await SeedUserAndWorkspaceAsync();
        await using var db = database.NewContext();

        // Bypass the aggregate's own check to prove the database holds the rule too.
        var duplicate = Workspace.Create("Twin", UniqueSlug(), user.Id, _clock).Memberships.Single();
        db.Entry(duplicate).Property(m => m.WorkspaceId).CurrentValue = workspace.Id;
        db.Add(duplicate);
        var error = await Assert.ThrowsAsync<DomainException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public async Task Token_and_session_hashes_are_unique()
    {
        var (user, workspace) = await SeedUserAndWorkspaceAsync();
        var hash = RandomHash();
        await using (var db = database.NewContext())
        {
            db.ApiTokens.Add(ApiToken.Issue(workspace.Id, "a", WorkspaceRole.Admin, hash, "sk_akua_abcd", null, null, _clock));
            db.Sessions.Add(Session.Start(user.Id, hash, "web", null, null, _clock));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await SaveExpectingConflictAsync(ApiToken.Issue(workspace.Id, "b", WorkspaceRole.Admin, hash, "sk_akua_abcd", null, null, _clock));
        await SaveExpectingConflictAsync(Session.Start(user.Id, hash, "web", null, null, _clock));
    }

    [Fact]
    public async Task Device_code_hashes_are_unique()
    {
        database.RequireAvailable();
        var hash = RandomHash();
        await using (var db = database.NewContext())
        {
            db.DeviceCodes.Add(DeviceCode.Create(hash, NewUserCode(), "cnap-cli", null, null, null, _clock));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await SaveExpectingConflictAsync(DeviceCode.Create(hash, NewUserCode(), "cnap-cli", null, null, null, _clock));
    }

    [Fact]
    public async Task A_user_code_is_unique_among_pending_codes_only()
    {
        var (user, _) = await SeedUserAndWorkspaceAsync();
        var userCode = NewUserCode();
        var first = DeviceCode.Create(RandomHash(), userCode, "cnap-cli", null, null, null, _clock);
        await using (var db = database.NewContext())
        {
            db.DeviceCodes.Add(first);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await SaveExpectingConflictAsync(DeviceCode.Create(RandomHash(), userCode, "cnap-cli", null, null, null, _clock));

        // Once the first is decided, the same user code may be handed out again.
        await using (var db = database.NewContext())
        {
            var loaded = await db.DeviceCodes.SingleAsync(d => d.Id == first.Id, TestContext.Current.CancellationToken);
            loaded.Deny(user.Id, _clock);
            db.DeviceCodes.Add(DeviceCode.Create(RandomHash(), userCode, "cnap-cli", null, null, null, _clock));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var read = database.NewContext();
        Assert.Equal(2, await read.DeviceCodes.CountAsync(d => d.UserCode == userCode, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Concurrent_sign_ups_with_one_email_leave_exactly_one_user()
    {
        database.RequireAvailable();
        var email = UniqueEmail();
        const int attempts = 8;
        using var start = new Barrier(attempts);

        var results = await Task.WhenAll(Enumerable.Range(0, attempts).Select(_ => Task.Run(async () =>
        {
            await using var db = database.NewContext();
            db.Users.Add(User.Register(email, "Ann", "hash", _clock));
            start.SignalAndWait(TestContext.Current.CancellationToken);
            try
            {
                await db.SaveChangesAsync(TestContext.Current.CancellationToken);
                return true;
            }
            catch (DomainException e) when (e.Kind == ErrorKind.Conflict)
            {
                return false;
            }
        }, TestContext.Current.CancellationToken)));

        Assert.Equal(1, results.Count(ok => ok));
        await using var read = database.NewContext();
        Assert.Equal(1, await read.Users.CountAsync(u => u.NormalizedEmail == User.NormalizeEmail(email), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Of_two_concurrent_exchanges_of_one_device_code_only_one_commits()
    {
        var (user, _) = await SeedUserAndWorkspaceAsync();
        var code = DeviceCode.Create(RandomHash(), NewUserCode(), "cnap-cli", null, null, null, _clock);
        code.Approve(user.Id, _clock);
        await using (var db = database.NewContext())
        {
            db.DeviceCodes.Add(code);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var first = database.NewContext();
        await using var second = database.NewContext();
        var a = await first.DeviceCodes.SingleAsync(d => d.Id == code.Id, TestContext.Current.CancellationToken);
        var b = await second.DeviceCodes.SingleAsync(d => d.Id == code.Id, TestContext.Current.CancellationToken);
        a.Consume(EntityId.New<SessionId>(_clock));
        b.Consume(EntityId.New<SessionId>(_clock));

        await first.SaveChangesAsync(TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<DomainException>(() => second.SaveChangesAsync(TestContext.Current.CancellationToken));
        Assert.Equal(ErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public async Task Concurrent_membership_changes_cannot_both_commit()
    {
        var (user, workspace) = await SeedUserAndWorkspaceAsync();
        var (other, _) = await SeedUserAndWorkspaceAsync();
        await using (var db = database.NewContext())
        {
            var loaded = await db.Workspaces.Include(w => w.Memberships).SingleAsync(w => w.Id == workspace.Id, TestContext.Current.CancellationToken);
            loaded.AddMember(other.Id, WorkspaceRole.Owner, _clock);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        // Two owners each demote the other: alone each is allowed, together they would leave no owner.
        await using var first = database.NewContext();
        await using var second = database.NewContext();
        var a = await first.Workspaces.Include(w => w.Memberships).SingleAsync(w => w.Id == workspace.Id, TestContext.Current.CancellationToken);
        var b = await second.Workspaces.Include(w => w.Memberships).SingleAsync(w => w.Id == workspace.Id, TestContext.Current.CancellationToken);
        a.ChangeMemberRole(user.Id, WorkspaceRole.Member, WorkspaceRole.Owner, _clock);
        b.ChangeMemberRole(other.Id, WorkspaceRole.Member, WorkspaceRole.Owner, _clock);

        await first.SaveChangesAsync(TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<DomainException>(() => second.SaveChangesAsync(TestContext.Current.CancellationToken));

        await using var read = database.NewContext();
        Assert.Equal(1, await read.Memberships.CountAsync(m => m.WorkspaceId == workspace.Id && m.Role == WorkspaceRole.Owner, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_integration_registered_before_scopes_may_ask_for_every_scope_but_credential_management()
    {
        var (_, workspace) = await SeedUserAndWorkspaceAsync();
        var registered = OAuthClient.Register(workspace.Id, "new-" + Guid.NewGuid().ToString("N")[..12], "New", OAuthClientType.Public, ["https://app.example/cb"], null, _clock,
            Permission.InstallsRead | Permission.ApiTokensWrite);
        await using (var db = database.NewContext())
        {
            db.OAuthClients.Add(registered);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);

            // A row as an older node writes it: every column but Scopes. The column's default must be the
            // client default, not an empty set (which would lock every existing integration out).
            var legacyId = Guid.CreateVersion7();
            var legacyClientId = "old-" + Guid.NewGuid().ToString("N")[..12];
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "OAuthClients" ("Id", "WorkspaceId", "ClientId", "Name", "Type", "RedirectUris", "SecretHash", "CreatedAt")
                SELECT {legacyId}, "WorkspaceId", {legacyClientId}, "Name", "Type", "RedirectUris", "SecretHash", "CreatedAt" FROM "OAuthClients" WHERE "ClientId" = {registered.ClientId}
                """, TestContext.Current.CancellationToken);

            await using var read = database.NewContext();
            var legacy = await read.OAuthClients.SingleAsync(c => c.ClientId == legacyClientId, TestContext.Current.CancellationToken);
            Assert.Equal(OAuthScopes.ClientDefault, legacy.Scopes);
            var loaded = await read.OAuthClients.SingleAsync(c => c.ClientId == registered.ClientId, TestContext.Current.CancellationToken);
            Assert.Equal(Permission.InstallsRead | Permission.ApiTokensWrite | Permission.ApiTokensRead, loaded.Scopes);
        }
    }

    private static string NewUserCode() => new Infrastructure.Security.Secrets().NewUserCode();
}

public sealed class SqlitePersistenceTests(SqliteTestDatabase database) : PersistenceSuite(database), IClassFixture<SqliteTestDatabase>;

public sealed class PostgresPersistenceTests(PostgresTestDatabase database) : PersistenceSuite(database), IClassFixture<PostgresTestDatabase>;

public sealed class SqlServerPersistenceTests(SqlServerTestDatabase database) : PersistenceSuite(database), IClassFixture<SqlServerTestDatabase>;
