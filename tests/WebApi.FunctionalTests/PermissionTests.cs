using System.Text.Json;
using Akua.Application.Common.Abstractions;
using Akua.Domain.Common;
using Akua.Domain.Users;
using Akua.Domain.Workspaces;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// Least privilege (issue 19): every endpoint x every permission x every credential kind. A workspace API token
/// holds its permissions, an integration's JWT its granted scope, a session all its user's role allows.
/// </summary>
public abstract class PermissionTests(AkuaApiFactory factory)
{
    /// <summary>Every workspace-scoped operation and the one permission it needs ({ws} is the workspace's id).</summary>
    public static readonly (string Method, string Path, string Permission, object? Body)[] Operations =
    [
        ("GET", "/v1/installs", "installs:read", null),
        ("GET", "/v1/installs/inst_01a21fbab89c7395ad60877a04aaaca9", "installs:read", null),
        ("POST", "/v1/installs", "installs:write", new { name = "web", product = "postgres" }),
        ("DELETE", "/v1/installs/inst_01a21fbab89c7395ad60877a04aaaca9", "installs:write", null),
        ("GET", "/v1/api_tokens", "api_tokens:read", null),
        ("GET", "/v1/api_tokens/tok_01a21fbab89c7395ad60877a04aaaca9", "api_tokens:read", null),
        ("GET", "/v1/api_tokens/tok_01a21fbab89c7395ad60877a04aaaca9/usage", "api_tokens:read", null),
        ("POST", "/v1/api_tokens", "api_tokens:write", new { name = "minted", role = "member", permissions = new[] { "api_tokens:read" } }), // within the minter's own rights
        ("POST", "/v1/api_tokens/tok_01a21fbab89c7395ad60877a04aaaca9/roll", "api_tokens:write", null),
        ("DELETE", "/v1/api_tokens/tok_01a21fbab89c7395ad60877a04aaaca9", "api_tokens:write", null),
        ("GET", "/v1/members", "members:read", null),
        ("POST", "/v1/members", "members:write", new { email = "added@example.com", role = "member" }),
        ("PATCH", "/v1/members/usr_01a21fbab89c7395ad60877a04aaaca9", "members:write", new { role = "member" }),
        ("DELETE", "/v1/members/usr_01a21fbab89c7395ad60877a04aaaca9", "members:write", null),
        ("GET", "/v1/invitations", "members:read", null),
        ("POST", "/v1/invitations", "members:write", new { email = "someone@example.com", role = "member" }),
        ("DELETE", "/v1/invitations/inv_01a21fbab89c7395ad60877a04aaaca9", "members:write", null),
        ("GET", "/v1/oauth_clients", "oauth_clients:read", null),
        ("POST", "/v1/oauth_clients", "oauth_clients:write", new { name = "ci", redirect_uris = new[] { "https://ci.example/cb" }, type = "public" }),
        ("DELETE", "/v1/oauth_clients/oac_01a21fbab89c7395ad60877a04aaaca9", "oauth_clients:write", null),
        ("GET", "/v1/audit_events", "audit:read", null),
        ("GET", "/v1/workspaces/{ws}", "workspace:read", null),
        ("PATCH", "/v1/workspaces/{ws}", "workspace:write", new { name = "Renamed" }),
    ];

    [Fact]
    public async Task Each_operation_needs_its_permission_and_a_token_holding_only_that_one_passes()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var failures = await MatrixAsync(ann, permissions => CreateAsync(admin, "admin", permissions), workspace: null);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The same matrix for integrations: a JWT whose scope names only the permission, and one naming all others.</summary>
    [Fact]
    public async Task Each_operation_needs_its_permission_in_an_integrations_scope()
    {
        var ann = await factory.SignUpAsync();
        // A client of this workspace registered for every scope (credential management applies in its own workspace only).
        var (clientId, _) = await OAuthFlow.RegisterClientAsync(factory.Api(ann.Token, ann.WorkspaceId), scopes: [.. Permissions.All.Select(p => p.Name)]);
        var failures = await MatrixAsync(ann, permissions => IssueJwtAsync(ann, clientId, string.Join(' ', permissions)), workspace: ann.WorkspaceId);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_session_holds_every_permission_its_role_allows()
    {
        var ann = await factory.SignUpAsync();
        var failures = new List<string>();
        foreach (var (method, template, permission, body) in Operations)
        {
            var response = await factory.Api(ann.Token, ann.WorkspaceId).SendAsync(new HttpMethod(method), template.Replace("{ws}", ann.WorkspaceId, StringComparison.Ordinal), body);
            if ((int)response.StatusCode == 403)
            {
                failures.Add($"{method} {template} refused an owner's session ({permission})");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// For each operation: a credential holding only its permission is not refused for want of one, and a
    /// credential holding every other permission is refused naming it.
    /// </summary>
    private async Task<List<string>> MatrixAsync(TestUser owner, Func<string[], Task<string>> credentialHolding, string? workspace)
    {
        var failures = new List<string>();
        foreach (var (method, template, permission, body) in Operations)
        {
            var path = template.Replace("{ws}", owner.WorkspaceId, StringComparison.Ordinal);
            var only = await credentialHolding([permission]);
            var allBut = await credentialHolding([.. Permissions.All.Select(p => p.Name).Where(p => !Covers(p, permission))]);

            var allowed = await factory.Api(only, workspace).SendAsync(new HttpMethod(method), path, body);
            if (await IsInsufficientAsync(allowed))
            {
                failures.Add($"{method} {template} refused a credential holding {permission}");
            }

            var refused = await factory.Api(allBut, workspace).SendAsync(new HttpMethod(method), path, body);
            if (!await IsInsufficientAsync(refused, permission))
            {
                failures.Add($"{method} {template} answered {(int)refused.StatusCode} to a credential without {permission}");
            }
        }

        return failures;
    }

    /// <summary>An access token as the token endpoint signs it for a granted scope (the consent flow is OAuthScopeTests').</summary>
    private async Task<string> IssueJwtAsync(TestUser user, string clientId, string scope)
    {
        using var services = factory.Services.CreateScope();
        Assert.True(EntityId.TryParse<UserId>(user.UserId, out var id));
        return (await services.ServiceProvider.GetRequiredService<IAccessTokens>().IssueAsync(id, clientId, scope, TestContext.Current.CancellationToken)).Token;
    }

    [Fact]
    public async Task Write_implies_read_and_read_never_writes()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var writer = await CreateAsync(admin, "admin", "installs:write");
        var reader = await CreateAsync(admin, "admin", "installs:read");

        await factory.Api(writer).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        await factory.Api(writer).ExpectAsync(201, HttpMethod.Post, "/v1/installs", new { name = "web", product = "postgres" });
        await factory.Api(reader).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        var error = await (await factory.Api(reader).PostAsync("/v1/installs", new { name = "web", product = "postgres" })).AssertErrorAsync(403, "insufficient_permission");
        Assert.Contains("installs:write", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The token says what it holds: in the list, and to itself.
        var me = await factory.Api(writer).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        Assert.Equal(["installs:read", "installs:write"], me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var full = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "everything" });
        Assert.Equal(Permissions.All.Count, full.GetProperty("permissions").GetArrayLength());
    }

    [Fact]
    public async Task No_token_creates_a_token_with_more_rights_than_itself()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var minter = await CreateAsync(admin, "admin", "api_tokens:write", "installs:write");

        // Within its own rights: fine; anything beyond (or everything, by omitting permissions): refused.
        var narrow = await factory.Api(minter).ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "deploy", permissions = new[] { "installs:write" } });
        Assert.Equal(["installs:read", "installs:write"], narrow.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        await (await factory.Api(minter).PostAsync("/v1/api_tokens", new { name = "broad" })).AssertErrorAsync(403, "insufficient_permission");
        await (await factory.Api(minter).PostAsync("/v1/api_tokens", new { name = "members", permissions = new[] { "members:write" } })).AssertErrorAsync(403, "insufficient_permission");

        // A token without api_tokens:write can never mint or roll one.
        var deployer = narrow.GetProperty("token").GetString()!;
        await (await factory.Api(deployer).PostAsync("/v1/api_tokens", new { name = "x", permissions = new[] { "installs:read" } })).AssertErrorAsync(403, "insufficient_permission");
        await (await factory.Api(deployer).PostAsync($"/v1/api_tokens/{narrow.GetProperty("id").GetString()}/roll", null)).AssertErrorAsync(403, "insufficient_permission");

        // A member-role token cannot hold a write, and an unknown permission is named.
        await (await admin.PostAsync("/v1/api_tokens", new { name = "m", role = "member", permissions = new[] { "installs:write" } })).AssertErrorAsync(422, "validation_error");
        var unknown = await (await admin.PostAsync("/v1/api_tokens", new { name = "u", permissions = new[] { "installs:delete" } })).AssertErrorAsync(422, "validation_error");
        Assert.Contains("installs:delete", unknown.ToString(), StringComparison.Ordinal);
        await (await admin.PostAsync("/v1/api_tokens", new { name = "none", permissions = Array.Empty<string>() })).AssertErrorAsync(422, "validation_error");

        // A roll keeps the rights of the token it replaces.
        var rolled = await factory.Api(minter).ExpectAsync(201, HttpMethod.Post, $"/v1/api_tokens/{narrow.GetProperty("id").GetString()}/roll", new { expires_in = 0 });
        Assert.Equal(["installs:read", "installs:write"], rolled.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    private static bool Covers(string held, string needed) =>
        held == needed || (held.EndsWith(":write", StringComparison.Ordinal) && needed == held[..^"write".Length] + "read");

    private static async Task<string> CreateAsync(ApiClient admin, string role, params string[] permissions)
    {
        var body = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = $"holds {permissions.Length}: {permissions[0]}", role, permissions });
        return body.GetProperty("token").GetString()!;
    }

    private static async Task<bool> IsInsufficientAsync(HttpResponseMessage response, string? naming = null)
    {
        if ((int)response.StatusCode != 403)
        {
            return false;
        }

        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error");
        return error.GetProperty("code").GetString() == "insufficient_permission"
            && (naming is null || error.GetProperty("message").GetString()!.Contains(naming, StringComparison.Ordinal));
    }
}

public sealed class SqlitePermissionTests(SqliteApiFactory factory) : PermissionTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresPermissionTests(PostgresApiFactory factory) : PermissionTests(factory), IClassFixture<PostgresApiFactory>;
