using System.Text.Json;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>Every cell of the role table (API.md section 5), with sessions and with workspace tokens.</summary>
public abstract class RoleTests(AkuaApiFactory factory)
{
    /// <summary>A workspace with an owner, an admin and a member, plus an admin token and a member token.</summary>
    private sealed record Team(string Workspace, TestUser Owner, TestUser Admin, TestUser Member, string AdminToken, string MemberToken, TestUser Outsider)
    {
        public IEnumerable<(string Who, string Token)> Everyone =>
            [("owner", Owner.Token), ("admin", Admin.Token), ("member", Member.Token), ("admin token", AdminToken), ("member token", MemberToken)];
    }

    private async Task<Team> ArrangeAsync()
    {
        var owner = await factory.SignUpAsync("Owner");
        var admin = await factory.SignUpAsync("Admin");
        var member = await factory.SignUpAsync("Member");
        var outsider = await factory.SignUpAsync("Outsider");
        var asOwner = factory.Api(owner.Token, owner.WorkspaceId);
        await factory.InviteAndAcceptAsync(asOwner, admin, "admin");
        var byId = await asOwner.ExpectAsync(201, HttpMethod.Post, "/v1/members", new { user_id = member.UserId, role = "member" }); // the first version's route invites too
        await factory.Api(member.Token).ExpectAsync(200, HttpMethod.Post, $"/v1/user/invitations/{byId.GetProperty("id").GetString()}/accept");
        var (_, adminToken) = await asOwner.CreateApiTokenAsync("admin");
        var (_, memberToken) = await asOwner.CreateApiTokenAsync("member");
        return new Team(owner.WorkspaceId, owner, admin, member, adminToken, memberToken, outsider);
    }

    private ApiClient As(Team team, string token) =>
        // Broad credentials name the workspace; tokens imply it.
        factory.Api(token, token.StartsWith("sk_akua_", StringComparison.Ordinal) ? null : team.Workspace);

    [Fact]
    public async Task Everyone_in_the_workspace_can_read_tokens_members_the_workspace_and_installs()
    {
        var team = await ArrangeAsync();
        var install = await As(team, team.Owner.Token).ExpectAsync(201, HttpMethod.Post, "/v1/installs", new { name = "web", product = "redis" });
        var installId = install.GetProperty("id").GetString();

        foreach (var (who, token) in team.Everyone)
        {
            var api = As(team, token);
            await api.ExpectAsync(200, HttpMethod.Get, "/v1/api_tokens");
            var members = await api.ExpectAsync(200, HttpMethod.Get, "/v1/members");
            Assert.True(members.GetProperty("data").GetArrayLength() == 3, who);
            await api.ExpectAsync(200, HttpMethod.Get, $"/v1/workspaces/{team.Workspace}");
            await api.ExpectAsync(200, HttpMethod.Get, "/v1/installs");
            await api.ExpectAsync(200, HttpMethod.Get, $"/v1/installs/{installId}");
        }
    }

    [Fact]
    public async Task Owners_and_admins_create_and_revoke_tokens_and_members_cannot()
    {
        var team = await ArrangeAsync();

        foreach (var token in new[] { team.Owner.Token, team.Admin.Token, team.AdminToken })
        {
            var (id, _) = await As(team, token).CreateApiTokenAsync("member");
            await As(team, token).ExpectAsync(204, HttpMethod.Delete, $"/v1/api_tokens/{id}");
        }

        var (victim, _) = await As(team, team.Owner.Token).CreateApiTokenAsync();
        foreach (var token in new[] { team.Member.Token, team.MemberToken })
        {
            await (await As(team, token).PostAsync("/v1/api_tokens", new { name = "nope" })).AssertErrorAsync(403, "forbidden");
            await (await As(team, token).DeleteAsync($"/v1/api_tokens/{victim}")).AssertErrorAsync(403, "forbidden");
        }
    }

    [Fact]
    public async Task No_credential_mints_a_token_with_more_power_than_it_has()
    {
        var team = await ArrangeAsync();

        // A token is never an owner, whoever asks.
        foreach (var token in new[] { team.Owner.Token, team.AdminToken })
        {
            await (await As(team, token).PostAsync("/v1/api_tokens", new { name = "boss", role = "owner" })).AssertErrorAsync(422, "validation_error");
        }

        // An admin token mints admin and member tokens, no more; a member token mints nothing.
        var (_, minted) = await As(team, team.AdminToken).CreateApiTokenAsync("admin");
        await As(team, minted).ExpectAsync(200, HttpMethod.Get, "/v1/api_tokens");
        await (await As(team, team.MemberToken).PostAsync("/v1/api_tokens", new { name = "x", role = "member" })).AssertErrorAsync(403, "forbidden");

        // And a token cannot make someone an owner of the workspace either.
        await (await As(team, team.AdminToken).PatchAsync($"/v1/members/{team.Member.UserId}", new { role = "owner" })).AssertErrorAsync(403, "forbidden");
    }

    [Fact]
    public async Task Owners_and_admins_manage_members_and_admins_cannot_touch_owners()
    {
        var team = await ArrangeAsync();
        var newcomer = await factory.SignUpAsync("Newcomer");

        foreach (var token in new[] { team.Owner.Token, team.Admin.Token, team.AdminToken })
        {
            var api = As(team, token);
            await factory.InviteAndAcceptAsync(api, newcomer);
            var changed = await api.ExpectAsync(200, HttpMethod.Patch, $"/v1/members/{newcomer.UserId}", new { role = "admin" });
            Assert.Equal("admin", changed.GetProperty("role").GetString());
            await api.ExpectAsync(200, HttpMethod.Patch, $"/v1/members/{newcomer.UserId}", new { role = "member" });
            await api.ExpectAsync(204, HttpMethod.Delete, $"/v1/members/{newcomer.UserId}");
        }

        foreach (var token in new[] { team.Admin.Token, team.AdminToken })
        {
            var api = As(team, token);
            await (await api.PostAsync("/v1/members", new { email = newcomer.Email, role = "owner" })).AssertErrorAsync(403, "forbidden");
            await (await api.PatchAsync($"/v1/members/{team.Owner.UserId}", new { role = "member" })).AssertErrorAsync(403, "forbidden");
            await (await api.DeleteAsync($"/v1/members/{team.Owner.UserId}")).AssertErrorAsync(403, "forbidden");
        }

        foreach (var token in new[] { team.Member.Token, team.MemberToken })
        {
            var api = As(team, token);
            await (await api.PostAsync("/v1/members", new { email = newcomer.Email, role = "member" })).AssertErrorAsync(403, "forbidden");
            await (await api.PatchAsync($"/v1/members/{team.Admin.UserId}", new { role = "member" })).AssertErrorAsync(403, "forbidden");
            await (await api.DeleteAsync($"/v1/members/{team.Admin.UserId}")).AssertErrorAsync(403, "forbidden");
        }
    }

    [Fact]
    public async Task Owners_and_admins_create_and_delete_installs_and_members_cannot()
    {
        var team = await ArrangeAsync();

        foreach (var token in new[] { team.Owner.Token, team.Admin.Token, team.AdminToken })
        {
            var created = await As(team, token).ExpectAsync(201, HttpMethod.Post, "/v1/installs", new { name = "api", product = "nginx" });
            await As(team, token).ExpectAsync(204, HttpMethod.Delete, $"/v1/installs/{created.GetProperty("id").GetString()}");
        }

        var kept = (await As(team, team.Owner.Token).ExpectAsync(201, HttpMethod.Post, "/v1/installs", new { name = "db", product = "postgres" })).GetProperty("id").GetString();
        foreach (var token in new[] { team.Member.Token, team.MemberToken })
        {
            await (await As(team, token).PostAsync("/v1/installs", new { name = "x", product = "y" })).AssertErrorAsync(403, "forbidden");
            await (await As(team, token).DeleteAsync($"/v1/installs/{kept}")).AssertErrorAsync(403, "forbidden");
        }
    }

    [Fact]
    public async Task Owners_and_admins_rename_the_workspace_and_members_cannot()
    {
        var team = await ArrangeAsync();

        foreach (var (token, name) in new[] { (team.Owner.Token, "By owner"), (team.Admin.Token, "By admin"), (team.AdminToken, "By token") })
        {
            var renamed = await As(team, token).ExpectAsync(200, HttpMethod.Patch, $"/v1/workspaces/{team.Workspace}", new { name });
            Assert.Equal(name, renamed.GetProperty("name").GetString());
        }

        foreach (var token in new[] { team.Member.Token, team.MemberToken })
        {
            await (await As(team, token).PatchAsync($"/v1/workspaces/{team.Workspace}", new { name = "No" })).AssertErrorAsync(403, "forbidden");
        }

        // Someone outside the workspace does not learn that it exists.
        await (await factory.Api(team.Outsider.Token).PatchAsync($"/v1/workspaces/{team.Workspace}", new { name = "No" })).AssertErrorAsync(404, "not_found");
        await (await factory.Api(team.Outsider.Token).GetAsync($"/v1/workspaces/{team.Workspace}")).AssertErrorAsync(404, "not_found");
    }

    [Fact]
    public async Task An_integration_with_the_api_scope_acts_with_its_users_role_but_never_manages_credentials_members_roles_or_sessions()
    {
        var team = await ArrangeAsync();
        var owner = As(team, team.Owner.Token);
        var (tokenId, token) = await owner.CreateApiTokenAsync("member");
        var jwt = await OAuthFlow.AccessTokenAsync(factory, team.Owner);
        var clientId = (await owner.ExpectAsync(200, HttpMethod.Get, "/v1/oauth_clients")).GetProperty("data")[0].GetProperty("id").GetString();
        var sessionId = (await owner.ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami")).GetProperty("id").GetString();
        var api = factory.Api(jwt, team.Workspace);

        // Everything else, with the owner's rights.
        await api.ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        await api.ExpectAsync(200, HttpMethod.Get, "/v1/workspaces");
        await api.ExpectAsync(201, HttpMethod.Post, "/v1/workspaces", new { name = "Made by an integration" });
        await api.ExpectAsync(200, HttpMethod.Get, $"/v1/workspaces/{team.Workspace}");
        await api.ExpectAsync(200, HttpMethod.Patch, $"/v1/workspaces/{team.Workspace}", new { name = "Renamed by an integration" });
        await api.ExpectAsync(200, HttpMethod.Get, "/v1/api_tokens");
        await api.ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{tokenId}");
        await api.ExpectAsync(200, HttpMethod.Get, "/v1/members");
        await api.ExpectAsync(200, HttpMethod.Get, "/v1/invitations"); // members:read, like the member list
        await api.ExpectAsync(200, HttpMethod.Get, "/v1/oauth_clients");
        var install = (await api.ExpectAsync(201, HttpMethod.Post, "/v1/installs", new { name = "web", product = "redis" })).GetProperty("id").GetString();
        await api.ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        await api.ExpectAsync(200, HttpMethod.Get, $"/v1/installs/{install}");
        await api.ExpectAsync(204, HttpMethod.Delete, $"/v1/installs/{install}");

        // Never anything that could outlive the grant or widen anyone's access, even as an owner.
        var newcomer = await factory.SignUpAsync("Newcomer");
        var pending = (await owner.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = newcomer.Email, role = "member" })).GetProperty("id").GetString();
        // What acts on the user's own account: closed to every integration.
        (HttpMethod, string, object?)[] account =
        [
            (HttpMethod.Get, "/v1/user/invitations", null),
            (HttpMethod.Post, $"/v1/user/invitations/{pending}/accept", null),
            (HttpMethod.Post, $"/v1/user/invitations/{pending}/decline", null),
            (HttpMethod.Get, "/v1/sessions", null),
            (HttpMethod.Delete, $"/v1/sessions/{sessionId}", null),
            (HttpMethod.Delete, "/v1/sessions", null),
            (HttpMethod.Post, "/api/auth/sign-out", null),
        ];
        foreach (var (method, url, body) in account)
        {
            var error = await (await api.SendAsync(method, url, body)).AssertErrorAsync(403, "forbidden");
            Assert.Contains("integration", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // Credential management: not in `api`; a client must be registered for it (OAuthScopeTests).
        (HttpMethod, string, object?, string)[] management =
        [
            (HttpMethod.Post, "/v1/invitations", new { email = Accounts.NewEmail(), role = "member" }, "members:write"),
            (HttpMethod.Delete, $"/v1/invitations/{pending}", null, "members:write"),
            (HttpMethod.Post, "/v1/members", new { email = newcomer.Email, role = "admin" }, "members:write"),
            (HttpMethod.Post, "/v1/api_tokens", new { name = "minted by an integration" }, "api_tokens:write"),
            (HttpMethod.Delete, $"/v1/api_tokens/{tokenId}", null, "api_tokens:write"),
            (HttpMethod.Post, "/v1/oauth_clients", new { name = "Another", redirect_uris = new[] { OAuthFlow.RedirectUri } }, "oauth_clients:write"),
            (HttpMethod.Delete, $"/v1/oauth_clients/{clientId}", null, "oauth_clients:write"),
            (HttpMethod.Patch, $"/v1/members/{team.Member.UserId}", new { role = "owner" }, "members:write"),
            (HttpMethod.Delete, $"/v1/members/{team.Member.UserId}", null, "members:write"),
            (HttpMethod.Get, "/v1/audit_events", null, "audit:read"), // not in `api` either: it never was
        ];
        foreach (var (method, url, body, permission) in management)
        {
            var error = await (await api.SendAsync(method, url, body)).AssertErrorAsync(403, "insufficient_permission");
            Assert.Contains(permission, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // Nothing changed: the token works, the member is still a member, the owner's session lives.
        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        var members = await owner.ExpectAsync(200, HttpMethod.Get, "/v1/members");
        Assert.Contains(members.GetProperty("data").EnumerateArray(), m => m.GetProperty("user_id").GetString() == team.Member.UserId && m.GetProperty("role").GetString() == "member");
        await owner.ExpectAsync(200, HttpMethod.Get, "/v1/sessions");

        // A member's integration has a member's rights.
        var memberApi = factory.Api(await OAuthFlow.AccessTokenAsync(factory, team.Member), team.Workspace);
        await memberApi.ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        await (await memberApi.PostAsync("/v1/installs", new { name = "x", product = "y" })).AssertErrorAsync(403, "forbidden");
    }

    [Fact]
    public async Task The_last_owner_can_never_be_removed_or_demoted()
    {
        var team = await ArrangeAsync();
        var owner = As(team, team.Owner.Token);

        await (await owner.PatchAsync($"/v1/members/{team.Owner.UserId}", new { role = "admin" })).AssertErrorAsync(409, "conflict");
        await (await owner.DeleteAsync($"/v1/members/{team.Owner.UserId}")).AssertErrorAsync(409, "conflict");

        // With a second owner, the first may step down.
        await owner.ExpectAsync(200, HttpMethod.Patch, $"/v1/members/{team.Admin.UserId}", new { role = "owner" });
        await owner.ExpectAsync(200, HttpMethod.Patch, $"/v1/members/{team.Owner.UserId}", new { role = "member" });
        var members = await As(team, team.Admin.Token).ExpectAsync(200, HttpMethod.Get, "/v1/members");
        Assert.Single(members.GetProperty("data").EnumerateArray(), m => m.GetProperty("role").GetString() == "owner");
    }

    [Fact]
    public async Task Members_responses_carry_the_caller_role()
    {
        var team = await ArrangeAsync();

        JsonElement workspace = await As(team, team.Member.Token).ExpectAsync(200, HttpMethod.Get, $"/v1/workspaces/{team.Workspace}");
        Assert.Equal("member", workspace.GetProperty("role").GetString());
        workspace = await As(team, team.AdminToken).ExpectAsync(200, HttpMethod.Get, $"/v1/workspaces/{team.Workspace}");
        Assert.Equal("admin", workspace.GetProperty("role").GetString());
    }
}

public sealed class SqliteRoleTests(SqliteApiFactory factory) : RoleTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresRoleTests(PostgresApiFactory factory) : RoleTests(factory), IClassFixture<PostgresApiFactory>;
