using System.Net.Http.Headers;
using System.Text.Json;
using Akua.Domain.Audit;
using Akua.Domain.Common;
using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.WebApi.FunctionalTests;

/// <summary>The audit log (issue 18): every security-relevant change leaves an event, in the same transaction.</summary>
public abstract class AuditLogTests(AkuaApiFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_action_is_recorded_by_the_change_it_names()
    {
        var ann = await factory.SignUpAsync();
        var bob = await factory.SignUpAsync();
        var cat = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);

        // Accounts: a failed and a successful sign-in, a session ended three ways.
        await (await factory.Api().PostAsync("/api/auth/sign-in/email", new { email = ann.Email, password = "wrong password!" })).AssertErrorAsync(401, "unauthorized");
        var signedIn = await factory.Api().ExpectAsync(200, HttpMethod.Post, "/api/auth/sign-in/email", new { email = ann.Email, password = "correct horse battery" });
        var second = signedIn.GetProperty("token").GetString()!;
        var sessions = await factory.Api(ann.Token).ExpectAsync(200, HttpMethod.Get, "/v1/sessions");
        var secondId = sessions.GetProperty("data").EnumerateArray().Single(s => !s.GetProperty("current").GetBoolean()).GetProperty("id").GetString()!;
        await factory.Api(ann.Token).ExpectAsync(204, HttpMethod.Delete, $"/v1/sessions/{secondId}");
        var third = (await factory.Api().ExpectAsync(200, HttpMethod.Post, "/api/auth/sign-in/email", new { email = ann.Email, password = "correct horse battery" })).GetProperty("token").GetString()!;
        await factory.Api(third).ExpectAsync(204, HttpMethod.Post, "/api/auth/sign-out");
        await factory.Api(ann.Token).ExpectAsync(204, HttpMethod.Delete, "/v1/sessions");
        Assert.NotEqual(second, third);

        // API tokens: created, rolled, revoked.
        var (tokenId, _) = await admin.CreateApiTokenAsync();
        var rolled = await admin.ExpectAsync(201, HttpMethod.Post, $"/v1/api_tokens/{tokenId}/roll", new { expires_in = 60 });
        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/api_tokens/{rolled.GetProperty("id").GetString()}");

        // Members: invited, joined, role changed, removed; an invitation revoked, one declined.
        await factory.InviteAndAcceptAsync(admin, bob);
        await admin.ExpectAsync(200, HttpMethod.Patch, $"/v1/members/{bob.UserId}", new { role = "admin" });
        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/members/{bob.UserId}");
        var revoked = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = Accounts.NewEmail(), role = "member" });
        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/invitations/{revoked.GetProperty("id").GetString()}");
        var declined = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { user_id = cat.UserId, role = "member" });
        await factory.Api(cat.Token).ExpectAsync(204, HttpMethod.Post, $"/v1/user/invitations/{declined.GetProperty("id").GetString()}/decline");

        // OAuth: a grant approved and denied on the consent page, a code replayed, a refresh token revoked, a client deleted.
        var (clientId, secret) = await OAuthFlow.RegisterClientAsync(admin);
        var browser = await BrowserSessions.SignInAsync(factory, ann);
        var (verifier, challenge) = OAuthFlow.NewPkce();
        var code = (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge)))["code"];
        Assert.Equal("access_denied", (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, OAuthFlow.NewPkce().Challenge), approve: false))["error"]);
        var exchange = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = OAuthFlow.RedirectUri,
            ["client_id"] = clientId, ["client_secret"] = secret!, ["code_verifier"] = verifier,
        };
        var tokens = await (await factory.CreateClient().PostAsync("/oauth/token", new FormUrlEncodedContent(exchange), Ct)).JsonAsync();
        Assert.Equal(400, (int)(await factory.CreateClient().PostAsync("/oauth/token", new FormUrlEncodedContent(exchange), Ct)).StatusCode); // replayed
        var (clientId2, secret2) = await OAuthFlow.RegisterClientAsync(admin);
        var (verifier2, challenge2) = OAuthFlow.NewPkce();
        var code2 = (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId2, challenge2)))["code"];
        var tokens2 = await (await factory.CreateClient().PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code2, ["redirect_uri"] = OAuthFlow.RedirectUri,
            ["client_id"] = clientId2, ["client_secret"] = secret2!, ["code_verifier"] = verifier2,
        }), Ct)).JsonAsync();
        Assert.Equal(200, (int)(await factory.CreateClient().PostAsync("/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = tokens2.GetProperty("refresh_token").GetString()!, ["client_id"] = clientId2, ["client_secret"] = secret2!,
        }), Ct)).StatusCode);
        Assert.NotNull(tokens.GetProperty("access_token").GetString());
        var clients = await admin.ExpectAsync(200, HttpMethod.Get, "/v1/oauth_clients");
        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/oauth_clients/{clients.GetProperty("data")[0].GetProperty("id").GetString()}");

        // Device logins: one approved and exchanged (a session created), one denied.
        var device = factory.CreateClient();
        var approvedStart = await DeviceFlow.StartAsync(device);
        await browser.DecideAsync(approvedStart.GetProperty("user_code").GetString()!, approve: true);
        Assert.Equal(200, (int)(await DeviceFlow.PollAsync(device, approvedStart.GetProperty("device_code").GetString()!)).StatusCode);
        var deniedStart = await DeviceFlow.StartAsync(device);
        await browser.DecideAsync(deniedStart.GetProperty("user_code").GetString()!, approve: false);

        // Workspaces: created, renamed, its policy changed.
        var created = await factory.Api(ann.Token).ExpectAsync(201, HttpMethod.Post, "/v1/workspaces", new { name = "Audit " + Guid.NewGuid().ToString("N")[..8] });
        var workspace = created.GetProperty("id").GetString()!;
        await factory.Api(ann.Token, workspace).ExpectAsync(200, HttpMethod.Patch, $"/v1/workspaces/{workspace}", new { name = "Renamed" });
        await factory.Api(ann.Token, workspace).ExpectAsync(200, HttpMethod.Patch, $"/v1/workspaces/{workspace}", new { max_token_lifetime = 86400 });

        // Leaked: reported through the secret scanning endpoint (its own suite covers the signature).
        await using var db = new AkuaDbContext(factory.Database.Options.ToContextOptions());
        var actions = await db.AuditEvents.Select(e => e.Action).Distinct().ToListAsync(Ct);
        var missing = AuditActions.All.Except(actions).Except([AuditActions.ApiTokenLeaked]).Order().ToList();
        Assert.True(missing.Count == 0, "no event for: " + string.Join(", ", missing));
        Assert.Contains(AuditActions.ApiTokenLeaked, AuditActions.All); // recorded in SecretScanningTests
    }

    [Fact]
    public async Task An_api_token_event_names_the_actor_target_and_client_and_never_the_token()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var (tokenId, token) = await admin.CreateApiTokenAsync();
        var created = await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{tokenId}");
        Assert.Equal(ann.UserId, created.GetProperty("created_by").GetString());

        // The token itself creates a token: the actor is the token, by id and prefix.
        var made = await factory.Api(token).ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "made by a token", role = "member" });
        Assert.Equal(tokenId, made.GetProperty("created_by").GetString());

        var events = await admin.ExpectAsync(200, HttpMethod.Get, "/v1/audit_events?action=api_token.created");
        var data = events.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, data.Count);
        var byToken = data[0]; // newest first
        Assert.Equal("api_token", byToken.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal(tokenId, byToken.GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal(token[..12], byToken.GetProperty("actor").GetProperty("token_prefix").GetString());
        Assert.Equal("api_token", byToken.GetProperty("target").GetProperty("type").GetString());
        Assert.Equal(made.GetProperty("id").GetString(), byToken.GetProperty("target").GetProperty("id").GetString());
        Assert.Equal(ann.WorkspaceId, byToken.GetProperty("workspace_id").GetString());
        Assert.Equal("member", byToken.GetProperty("details").GetProperty("role").GetString());
        Assert.Matches("^evt_[0-9a-f]{32}$", byToken.GetProperty("id").GetString()!);

        var byUser = data[1];
        Assert.Equal("user", byUser.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal(ann.UserId, byUser.GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal("session", byUser.GetProperty("actor").GetProperty("credential").GetString());
        Assert.True(byUser.TryGetProperty("ip_address", out _)); // in process there is no address; the proxy suite sees the real one

        Assert.DoesNotContain(token, events.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(made.GetProperty("token").GetString()!, events.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_is_the_owners_and_admins_and_each_workspace_sees_its_own()
    {
        var ann = await factory.SignUpAsync();
        var bob = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        await factory.InviteAndAcceptAsync(admin, bob);
        var (_, memberToken) = await admin.CreateApiTokenAsync(role: "member");
        var (_, adminToken) = await admin.CreateApiTokenAsync();

        await (await factory.Api(bob.Token, ann.WorkspaceId).GetAsync("/v1/audit_events")).AssertErrorAsync(403, "forbidden");
        await (await factory.Api(memberToken).GetAsync("/v1/audit_events")).AssertErrorAsync(403, "forbidden");
        await (await factory.Api(ann.Token).GetAsync("/v1/audit_events")).AssertErrorAsync(403, "forbidden"); // no workspace named
        await factory.Api(adminToken).ExpectAsync(200, HttpMethod.Get, "/v1/audit_events");

        var bobs = await factory.Api(bob.Token, bob.WorkspaceId).ExpectAsync(200, HttpMethod.Get, "/v1/audit_events");
        Assert.DoesNotContain(ann.WorkspaceId, bobs.ToString(), StringComparison.Ordinal);
        Assert.All(bobs.GetProperty("data").EnumerateArray(), e => Assert.Equal(bob.WorkspaceId, e.GetProperty("workspace_id").GetString()));

        // An account's own events need an account: a workspace token has none.
        await (await factory.Api(adminToken).GetAsync("/v1/audit_events/me")).AssertErrorAsync(403, "forbidden");
    }

    [Fact]
    public async Task A_failed_sign_in_is_in_the_accounts_own_log_with_where_it_came_from()
    {
        var ann = await factory.SignUpAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-in/email") { Content = System.Net.Http.Json.JsonContent.Create(new { email = ann.Email, password = "not the password" }) };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("guesser", "1.0"));
        Assert.Equal(401, (int)(await factory.CreateClient().SendAsync(request, Ct)).StatusCode);
        // Someone typing into the wrong field: an unknown account is recorded without what was typed.
        await (await factory.Api().PostAsync("/api/auth/sign-in/email", new { email = "correct-horse@example.com", password = "x" })).AssertErrorAsync(401, "unauthorized");

        var mine = await factory.Api(ann.Token).ExpectAsync(200, HttpMethod.Get, "/v1/audit_events/me?action=user.");
        var failed = Assert.Single(mine.GetProperty("data").EnumerateArray(), e => e.GetProperty("action").GetString() == AuditActions.UserSignInFailed);
        Assert.Equal("wrong_password", failed.GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal("guesser/1.0", failed.GetProperty("user_agent").GetString());
        Assert.Equal("anonymous", failed.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Contains(mine.GetProperty("data").EnumerateArray(), e => e.GetProperty("action").GetString() == AuditActions.UserSignedUp);

        await using var db = new AkuaDbContext(factory.Database.Options.ToContextOptions());
        var unknown = await db.AuditEvents.Where(e => e.Action == AuditActions.UserSignInFailed && e.UserId == null).ToListAsync(Ct);
        Assert.NotEmpty(unknown);
        Assert.All(unknown, e => Assert.DoesNotContain("correct-horse", e.Details ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Filters_and_paging_narrow_the_log_and_bad_filters_are_400()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var (tokenId, token) = await admin.CreateApiTokenAsync();
        for (var i = 0; i < 3; i++)
        {
            await factory.Api(token).CreateApiTokenAsync(role: "member");
        }

        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/api_tokens/{tokenId}");

        var byToken = await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/audit_events?actor_id={tokenId}");
        Assert.Equal(3, byToken.GetProperty("data").GetArrayLength());
        var family = await admin.ExpectAsync(200, HttpMethod.Get, "/v1/audit_events?action=api_token.");
        Assert.Equal(5, family.GetProperty("data").GetArrayLength());
        var exact = await admin.ExpectAsync(200, HttpMethod.Get, "/v1/audit_events?action=api_token.revoked");
        Assert.Equal(tokenId, Assert.Single(exact.GetProperty("data").EnumerateArray()).GetProperty("target").GetProperty("id").GetString());

        var first = await admin.ExpectAsync(200, HttpMethod.Get, "/v1/audit_events?action=api_token.&limit=2");
        Assert.True(first.GetProperty("has_more").GetBoolean());
        var rest = await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/audit_events?action=api_token.&limit=10&cursor={first.GetProperty("next_cursor").GetString()}");
        Assert.Equal(3, rest.GetProperty("data").GetArrayLength());

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(0, (await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/audit_events?since={now + 3600}")).GetProperty("data").GetArrayLength());
        Assert.Equal(0, (await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/audit_events?until={now - 3600}")).GetProperty("data").GetArrayLength());
        Assert.Equal(5, (await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/audit_events?since={now - 3600}&until={now + 3600}")).GetProperty("data").GetArrayLength());

        foreach (var bad in new[] { "since=1700000000000", "since=5&until=4", "action=API_TOKEN", "actor_id=tok-1", "since=abc", "limit=0" })
        {
            await (await admin.GetAsync($"/v1/audit_events?{bad}")).AssertErrorAsync(400, "bad_request");
        }
    }

    [Fact]
    public async Task An_event_commits_with_its_change_or_not_at_all()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        await using var db = new AkuaDbContext(factory.Database.Options.ToContextOptions());

        // The audit table refuses a write: the token it would describe is not created either.
        await using (await RefuseInsertsAsync(db, "AuditEvents"))
        {
            var response = await admin.PostAsync("/v1/api_tokens", new { name = "never" });
            Assert.True((int)response.StatusCode >= 500, $"got {(int)response.StatusCode}");
        }

        Assert.False(await db.ApiTokens.AnyAsync(t => t.Name == "never", Ct));
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == AuditActions.ApiTokenCreated && e.WorkspaceId != null && e.Details!.Contains("never"), Ct));

        // The change itself fails: no event describes it.
        await using (await RefuseInsertsAsync(db, "ApiTokens"))
        {
            var response = await admin.PostAsync("/v1/api_tokens", new { name = "never either" });
            Assert.True((int)response.StatusCode >= 500, $"got {(int)response.StatusCode}");
        }

        Assert.False(await db.AuditEvents.AnyAsync(e => e.Details!.Contains("never either"), Ct));
        await admin.CreateApiTokenAsync(); // and with the database whole again, both are written
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == AuditActions.ApiTokenCreated, Ct));

        // The same for changes of other kinds: a policy, an invitation, a revocation, a sign-in's session.
        var (doomed, _) = await admin.CreateApiTokenAsync();
        var sessionsBefore = await db.Sessions.CountAsync(Ct);
        await using (await RefuseInsertsAsync(db, "AuditEvents"))
        {
            Assert.True((int)(await admin.PatchAsync($"/v1/workspaces/{ann.WorkspaceId}", new { max_token_lifetime = 86400 })).StatusCode >= 500);
            Assert.True((int)(await admin.PostAsync("/v1/invitations", new { email = Accounts.NewEmail(), role = "member" })).StatusCode >= 500);
            Assert.True((int)(await admin.DeleteAsync($"/v1/api_tokens/{doomed}")).StatusCode >= 500);
            Assert.True((int)(await factory.Api().PostAsync("/api/auth/sign-in/email", new { email = ann.Email, password = "correct horse battery" })).StatusCode >= 500);
        }

        Assert.Null((await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/workspaces/{ann.WorkspaceId}")).GetProperty("max_token_lifetime").GetString());
        Assert.Equal(0, (await admin.ExpectAsync(200, HttpMethod.Get, "/v1/invitations")).GetProperty("data").GetArrayLength());
        await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{doomed}");
        Assert.Equal(sessionsBefore, await db.Sessions.CountAsync(Ct));
    }

    [Fact]
    public async Task Events_past_their_retention_are_pruned_and_newer_ones_stay()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        await admin.CreateApiTokenAsync();
        await admin.CreateApiTokenAsync();
        await using var db = new AkuaDbContext(factory.Database.Options.ToContextOptions());
        var workspace = EntityId.TryParse<WorkspaceId>(ann.WorkspaceId, out var id) ? id : throw new InvalidOperationException();
        var events = await db.AuditEvents.Where(e => e.WorkspaceId == workspace).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal(2, events.Count); // this test's own two, whatever other tests of the class wrote before it
        await db.AuditEvents.Where(e => e.Id == events[0].Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.CreatedAt, DateTimeOffset.UtcNow.AddDays(-401)), Ct);

        var pruned = await factory.Services.GetRequiredService<Akua.Infrastructure.Retention.RetentionService>().PruneAsync(Ct);

        Assert.True(pruned!["audit_events"] >= 1);
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Id == events[0].Id, Ct));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Id == events[1].Id, Ct));
    }

    // A trigger makes the engine refuse every insert into the table, as a full disk or a broken constraint would.
    private static async Task<IAsyncDisposable> RefuseInsertsAsync(AkuaDbContext db, string table)
    {
        var name = "refuse_" + table.ToLowerInvariant(); // a table name of this test's, never input
        string create, drop;
        if (db.Database.IsNpgsql())
        {
            create = "CREATE FUNCTION " + name + "() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql; "
                + "CREATE TRIGGER " + name + " BEFORE INSERT ON \"" + table + "\" FOR EACH ROW EXECUTE FUNCTION " + name + "();";
            drop = "DROP TRIGGER " + name + " ON \"" + table + "\"; DROP FUNCTION " + name + "();";
        }
        else
        {
            create = "CREATE TRIGGER " + name + " BEFORE INSERT ON \"" + table + "\" BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;";
            drop = "DROP TRIGGER " + name + ";";
        }

        await db.Database.ExecuteSqlRawAsync(create, Ct);
        return new Undo(() => db.Database.ExecuteSqlRawAsync(drop));
    }

    private sealed class Undo(Func<Task> undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await undo();
    }
}

public sealed class SqliteAuditLogTests(SqliteApiFactory factory) : AuditLogTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresAuditLogTests(PostgresApiFactory factory) : AuditLogTests(factory), IClassFixture<PostgresApiFactory>;
