using System.Text.Json;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>Rolling a token with an overlap, the workspace's lifetime policy, and the expiry header (issue 18).</summary>
public abstract class TokenRollAndPolicyTests(AkuaApiFactory factory)
{
    private const string ExpiresHeader = "Akua-Token-Expires-At";

    [Fact]
    public async Task A_roll_gives_a_new_token_and_both_work_during_the_overlap()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds();
        var (oldId, oldToken) = await admin.CreateApiTokenAsync(role: "member", expiresAt: expiresAt);
        await factory.Api(oldToken).ExpectAsync(200, HttpMethod.Get, "/v1/installs"); // cached on this node

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var rolled = await admin.ExpectAsync(201, HttpMethod.Post, $"/v1/api_tokens/{oldId}/roll", new { expires_in = 3600 });
        var newToken = rolled.GetProperty("token").GetString()!;
        Assert.Matches("^sk_akua_[A-Za-z0-9]{32}$", newToken);
        Assert.Equal("test member", rolled.GetProperty("name").GetString());
        Assert.Equal("member", rolled.GetProperty("role").GetString());
        Assert.Equal(oldId, rolled.GetProperty("replaces").GetString());
        // The new token lives as long as the old one was meant to (30 days from now).
        Assert.InRange(rolled.GetProperty("expires_at").GetInt64(), before + (30 * 86400) - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + (30 * 86400) + 5);

        var old = await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{oldId}");
        Assert.Equal(rolled.GetProperty("id").GetString(), old.GetProperty("replaced_by").GetString());
        Assert.InRange(old.GetProperty("expires_at").GetInt64(), before + 3600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);

        // Both work, and the old one now says when it stops (the node re-read it after the roll).
        var oldUse = await factory.Api(oldToken).SendAsync(HttpMethod.Get, "/v1/installs");
        Assert.Equal(200, (int)oldUse.StatusCode);
        Assert.Equal(old.GetProperty("expires_at").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), oldUse.Headers.GetValues(ExpiresHeader).Single());
        await factory.Api(newToken).ExpectAsync(200, HttpMethod.Get, "/v1/installs");

        // One roll per token: the next one rolls the replacement.
        await (await admin.PostAsync($"/v1/api_tokens/{oldId}/roll", new { })).AssertErrorAsync(409, "conflict");
        var listed = await admin.ExpectAsync(200, HttpMethod.Get, "/v1/api_tokens");
        Assert.DoesNotContain(newToken, listed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_roll_with_no_overlap_stops_the_old_token_before_it_answers()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var (oldId, oldToken) = await admin.CreateApiTokenAsync();
        await factory.Api(oldToken).ExpectAsync(200, HttpMethod.Get, "/v1/installs");

        var rolled = await admin.ExpectAsync(201, HttpMethod.Post, $"/v1/api_tokens/{oldId}/roll", new { expires_in = 0 });

        await (await factory.Api(oldToken).GetAsync("/v1/installs")).AssertErrorAsync(401, "unauthorized");
        await factory.Api(rolled.GetProperty("token").GetString()).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        Assert.Equal(JsonValueKind.Null, rolled.GetProperty("expires_at").ValueKind); // the old one never expired: neither does this one
    }

    [Fact]
    public async Task A_roll_is_refused_what_creation_would_be()
    {
        var ann = await factory.SignUpAsync();
        var bob = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var (id, _) = await admin.CreateApiTokenAsync();
        var (_, memberToken) = await admin.CreateApiTokenAsync(role: "member");

        foreach (var body in new object[] { new { expires_in = -1 }, new { expires_in = 604801 }, new { expires_in = "1h" }, new { expires_at = 1 } })
        {
            await (await admin.PostAsync($"/v1/api_tokens/{id}/roll", body)).AssertErrorAsync(422, "validation_error");
        }

        await (await factory.Api(memberToken).PostAsync($"/v1/api_tokens/{id}/roll", new { })).AssertErrorAsync(403, "forbidden");
        await (await factory.Api(bob.Token, bob.WorkspaceId).PostAsync($"/v1/api_tokens/{id}/roll", new { })).AssertErrorAsync(404, "not_found");
        await (await admin.PostAsync("/v1/api_tokens/tok_nope/roll", new { })).AssertErrorAsync(404, "not_found");
        await admin.ExpectAsync(201, HttpMethod.Post, $"/v1/api_tokens/{id}/roll", null); // no body: the defaults
    }

    [Fact]
    public async Task The_owner_sets_a_lifetime_policy_and_tokens_must_keep_to_it()
    {
        var ann = await factory.SignUpAsync();
        var bob = await factory.SignUpAsync();
        var owner = factory.Api(ann.Token, ann.WorkspaceId);
        await factory.InviteAndAcceptAsync(owner, bob, role: "admin");
        var (longLived, _) = await owner.CreateApiTokenAsync(); // before the policy: no expiry

        await (await factory.Api(bob.Token, ann.WorkspaceId).PatchAsync($"/v1/workspaces/{ann.WorkspaceId}", new { max_token_lifetime = 86400 })).AssertErrorAsync(403, "forbidden");
        foreach (var bad in new object[] { new { max_token_lifetime = 59 }, new { max_token_lifetime = -1 } })
        {
            await (await owner.PatchAsync($"/v1/workspaces/{ann.WorkspaceId}", bad)).AssertErrorAsync(422, "validation_error");
        }

        var response = await owner.SendAsync(HttpMethod.Patch, $"/v1/workspaces/{ann.WorkspaceId}", JsonDocument.Parse("{\"max_token_lifetime\": \"a day\"}").RootElement);
        await response.AssertErrorAsync(422, "validation_error");
        var set = await owner.ExpectAsync(200, HttpMethod.Patch, $"/v1/workspaces/{ann.WorkspaceId}", new { max_token_lifetime = 86400 });
        Assert.Equal(86400, set.GetProperty("max_token_lifetime").GetInt64());
        Assert.Equal(86400, (await owner.ExpectAsync(200, HttpMethod.Get, $"/v1/workspaces/{ann.WorkspaceId}")).GetProperty("max_token_lifetime").GetInt64());

        var forever = await (await owner.PostAsync("/v1/api_tokens", new { name = "forever" })).AssertErrorAsync(422, "validation_error");
        Assert.Contains("max_token_lifetime is 86400 seconds (1 day)", forever.GetProperty("message").GetString(), StringComparison.Ordinal);
        var tooLong = DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds();
        await (await owner.PostAsync("/v1/api_tokens", new { name = "too long", expires_at = tooLong })).AssertErrorAsync(422, "validation_error");
        await owner.CreateApiTokenAsync(expiresAt: DateTimeOffset.UtcNow.AddHours(23).ToUnixTimeSeconds());

        // A roll keeps to it too: the old token had no expiry, so its replacement must be given one.
        await (await owner.PostAsync($"/v1/api_tokens/{longLived}/roll", new { })).AssertErrorAsync(422, "validation_error");
        await owner.ExpectAsync(201, HttpMethod.Post, $"/v1/api_tokens/{longLived}/roll", new { expires_at = DateTimeOffset.UtcNow.AddHours(12).ToUnixTimeSeconds() });

        // Absent leaves it; null lifts it.
        await owner.ExpectAsync(200, HttpMethod.Patch, $"/v1/workspaces/{ann.WorkspaceId}", new { name = "Renamed" });
        Assert.Equal(86400, (await owner.ExpectAsync(200, HttpMethod.Get, $"/v1/workspaces/{ann.WorkspaceId}")).GetProperty("max_token_lifetime").GetInt64());
        var lifted = await owner.ExpectAsync(200, HttpMethod.Patch, $"/v1/workspaces/{ann.WorkspaceId}", JsonDocument.Parse("{\"max_token_lifetime\": null}").RootElement);
        Assert.Equal(JsonValueKind.Null, lifted.GetProperty("max_token_lifetime").ValueKind);
        await owner.CreateApiTokenAsync();
    }

    [Fact]
    public async Task Every_expiring_credential_says_when_it_expires_on_every_answer()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var expiresAt = DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeSeconds();
        var (_, expiring) = await admin.CreateApiTokenAsync(expiresAt: expiresAt);
        var (_, lasting) = await admin.CreateApiTokenAsync();
        var jwt = await OAuthFlow.AccessTokenAsync(factory, ann);

        var byToken = await factory.Api(expiring).SendAsync(HttpMethod.Get, "/v1/installs");
        Assert.Equal(expiresAt.ToString(System.Globalization.CultureInfo.InvariantCulture), byToken.Headers.GetValues(ExpiresHeader).Single());
        var notFound = await factory.Api(expiring).GetAsync("/v1/api_tokens/tok_01a21fbab89c7395ad60877a04aaaca9");
        Assert.Equal(404, (int)notFound.StatusCode);
        Assert.Equal(expiresAt.ToString(System.Globalization.CultureInfo.InvariantCulture), notFound.Headers.GetValues(ExpiresHeader).Single()); // errors too

        var bySession = await factory.Api(ann.Token).SendAsync(HttpMethod.Get, "/v1/auth/whoami");
        var sessionExpiry = long.Parse(bySession.Headers.GetValues(ExpiresHeader).Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(sessionExpiry, DateTimeOffset.UtcNow.AddDays(365).ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.AddDays(366).ToUnixTimeSeconds()); // slid by this use

        var byJwt = await factory.Api(jwt).SendAsync(HttpMethod.Get, "/v1/auth/whoami");
        var me = await byJwt.JsonAsync();
        Assert.Equal(me.GetProperty("expires_at").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), byJwt.Headers.GetValues(ExpiresHeader).Single());

        Assert.False((await factory.Api(lasting).SendAsync(HttpMethod.Get, "/v1/installs")).Headers.Contains(ExpiresHeader));
        Assert.False((await factory.Api().SendAsync(HttpMethod.Get, "/healthz")).Headers.Contains(ExpiresHeader));
    }

    [Fact]
    public async Task Usage_is_the_workspaces_own_and_spans_ninety_days()
    {
        var ann = await factory.SignUpAsync();
        var bob = await factory.SignUpAsync();
        var (id, _) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();

        var usage = await factory.Api(ann.Token, ann.WorkspaceId).ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{id}/usage");
        Assert.Equal(id, usage.GetProperty("token_id").GetString());
        Assert.Equal(90, usage.GetProperty("days").GetArrayLength());
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), usage.GetProperty("days")[89].GetProperty("date").GetString());
        await (await factory.Api(bob.Token, bob.WorkspaceId).GetAsync($"/v1/api_tokens/{id}/usage")).AssertErrorAsync(404, "not_found");
    }
}

public sealed class SqliteTokenRollAndPolicyTests(SqliteApiFactory factory) : TokenRollAndPolicyTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresTokenRollAndPolicyTests(PostgresApiFactory factory) : TokenRollAndPolicyTests(factory), IClassFixture<PostgresApiFactory>;

/// <summary>The overlap ends when the clock says so, on a node that had the old token cached.</summary>
public sealed class RollOverlapClockTests
{
    [Fact]
    public async Task After_the_overlap_the_old_token_is_refused_and_the_new_one_works()
    {
        await using var factory = new FakeClockApiFactory();
        await factory.InitializeAsync();
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var (oldId, oldToken) = await admin.CreateApiTokenAsync();
        var rolled = await admin.ExpectAsync(201, HttpMethod.Post, $"/v1/api_tokens/{oldId}/roll", new { expires_in = 3600 });
        await factory.Api(oldToken).ExpectAsync(200, HttpMethod.Get, "/v1/installs");

        factory.Clock!.Advance(TimeSpan.FromMinutes(59));
        await factory.Api(oldToken).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        factory.Clock.Advance(TimeSpan.FromMinutes(2));

        await (await factory.Api(oldToken).GetAsync("/v1/installs")).AssertErrorAsync(401, "unauthorized");
        await factory.Api(rolled.GetProperty("token").GetString()).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
    }
}
