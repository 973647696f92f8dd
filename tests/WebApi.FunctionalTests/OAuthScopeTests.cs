using System.Net;
using System.Text.Json;
using Akua.Domain.OAuth;
using Akua.Domain.Workspaces;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// OAuth scopes are the API's permission strings (issue 19): asked for on /oauth/authorize, shown in words on the
/// consent page, signed into the JWT's <c>scope</c> claim and enforced like a token's permissions. Credential
/// management reaches an integration only when its client was registered for it. Tokens are exchanged and
/// refreshed with an independent client library (Duende.IdentityModel).
/// </summary>
public abstract partial class OAuthScopeTests(AkuaApiFactory factory)
{
    private HttpClient Http => factory.CreateClient();

    private sealed record Integration(TestUser User, ApiClient Admin, BrowserSession Browser, string ClientId, string Secret);

    private async Task<Integration> ArrangeAsync(string[]? registeredFor = null)
    {
        var user = await factory.SignUpAsync();
        var admin = factory.Api(user.Token, user.WorkspaceId);
        var (clientId, secret) = await OAuthFlow.RegisterClientAsync(admin, scopes: registeredFor);
        return new Integration(user, admin, await BrowserSessions.SignInAsync(factory, user), clientId, secret!);
    }

    /// <summary>Approves <paramref name="scope"/> on the consent page and exchanges the code; the token endpoint's answer.</summary>
    private async Task<TokenResponse> GrantAsync(Integration integration, string? scope)
    {
        var (verifier, challenge) = OAuthFlow.NewPkce();
        var redirect = await OAuthFlow.ApproveAsync(integration.Browser, OAuthFlow.Request(integration.ClientId, challenge, scope: scope));
        Assert.True(redirect.ContainsKey("code"), string.Join(", ", redirect));
        var tokens = await Http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = "/oauth/token",
            ClientId = integration.ClientId,
            ClientSecret = integration.Secret,
            Code = redirect["code"],
            RedirectUri = OAuthFlow.RedirectUri,
            CodeVerifier = verifier,
        }, TestContext.Current.CancellationToken);
        Assert.False(tokens.IsError, tokens.Error + " " + tokens.ErrorDescription);
        return tokens;
    }

    /// <summary>Where /oauth/authorize sends the browser for a request it refuses (the consent page is never shown).</summary>
    private static async Task<Dictionary<string, string>> RefusedAsync(Integration integration, string scope)
    {
        var (_, challenge) = OAuthFlow.NewPkce();
        var response = await integration.Browser.Http.GetAsync(OAuthFlow.Url(OAuthFlow.Request(integration.ClientId, challenge, scope: scope)), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var redirect = OAuthFlow.ParseRedirect(response.Headers.Location!.OriginalString);
        Assert.False(redirect.ContainsKey("code"));
        return redirect;
    }

    private static IEnumerable<string?> Names(JsonElement array) => array.EnumerateArray().Select(p => p.GetString());

    [Fact]
    public async Task The_metadata_lists_every_permission_and_the_api_alias_as_scopes()
    {
        var metadata = await factory.Api().ExpectAsync(200, HttpMethod.Get, "/.well-known/oauth-authorization-server");
        Assert.Equal(["api", .. Permissions.All.Select(p => p.Name)], Names(metadata.GetProperty("scopes_supported")));
    }

    [Fact]
    public async Task A_narrow_scope_is_shown_in_words_signed_into_the_token_and_enforced()
    {
        var integration = await ArrangeAsync();
        var (_, challenge) = OAuthFlow.NewPkce();
        var consent = await integration.Browser.GetPageAsync(OAuthFlow.Url(OAuthFlow.Request(integration.ClientId, challenge, scope: "installs:read")));
        Assert.Contains(Permissions.Describe(Permission.InstallsRead), consent, StringComparison.Ordinal);
        Assert.DoesNotContain(Permissions.Describe(Permission.InstallsWrite), consent, StringComparison.Ordinal);
        Assert.DoesNotContain("consent-warning", consent, StringComparison.Ordinal);
        Assert.Contains("create, roll and revoke API tokens", consent, StringComparison.Ordinal); // what it cannot do

        var tokens = await GrantAsync(integration, "installs:read");
        Assert.Equal("installs:read", tokens.Scope);
        Assert.Equal("installs:read", new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.AccessToken).GetPayloadValue<string>("scope"));

        var api = factory.Api(tokens.AccessToken, integration.User.WorkspaceId);
        var me = await api.ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        Assert.Equal(["installs:read"], Names(me.GetProperty("permissions")));
        await api.ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        var refused = await (await api.PostAsync("/v1/installs", new { name = "web", product = "redis" })).AssertErrorAsync(403, "insufficient_permission");
        Assert.Contains("installs:write", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        await (await api.GetAsync("/v1/members")).AssertErrorAsync(403, "insufficient_permission");

        // A refreshed token carries the same grant, no more.
        var refreshed = await Http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "/oauth/token", ClientId = integration.ClientId, ClientSecret = integration.Secret, RefreshToken = tokens.RefreshToken!,
        }, TestContext.Current.CancellationToken);
        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.Equal("installs:read", refreshed.Scope);
        await (await factory.Api(refreshed.AccessToken, integration.User.WorkspaceId).PostAsync("/v1/installs", new { name = "web", product = "redis" }))
            .AssertErrorAsync(403, "insufficient_permission");
    }

    [Fact]
    public async Task Write_scopes_imply_read_and_no_scope_means_the_api_alias()
    {
        var integration = await ArrangeAsync();
        var writer = factory.Api((await GrantAsync(integration, "installs:write")).AccessToken, integration.User.WorkspaceId);
        await writer.ExpectAsync(201, HttpMethod.Post, "/v1/installs", new { name = "web", product = "redis" });
        await writer.ExpectAsync(200, HttpMethod.Get, "/v1/installs");

        var unnamed = await GrantAsync(integration, scope: null);
        Assert.Equal("api", unnamed.Scope);
        var me = await factory.Api(unnamed.AccessToken).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        Assert.Equal(Permissions.Names(OAuthScopes.ApiAlias), Names(me.GetProperty("permissions")));
    }

    [Fact]
    public async Task An_unknown_scope_or_credential_management_the_client_is_not_registered_for_is_refused_before_consent()
    {
        var integration = await ArrangeAsync();
        var unknown = await RefusedAsync(integration, "installs:read installs:delete");
        Assert.Equal("invalid_scope", unknown["error"]);
        Assert.Contains("installs:delete", unknown["error_description"], StringComparison.Ordinal);

        foreach (var management in new[] { "api_tokens:write", "oauth_clients:write", "members:write" })
        {
            var refused = await RefusedAsync(integration, "api " + management);
            Assert.Equal("invalid_scope", refused["error"]);
            Assert.Contains(management, refused["error_description"], StringComparison.Ordinal);
        }

        // The approval form cannot be posted around the check either (the form of a valid page, another scope).
        var (_, challenge) = OAuthFlow.NewPkce();
        var response = await integration.Browser.SubmitAsync(OAuthFlow.Url(OAuthFlow.Request(integration.ClientId, challenge)), "/oauth/authorize?handler=Approve",
            OAuthFlow.Request(integration.ClientId, challenge, scope: "api_tokens:write"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var posted = OAuthFlow.ParseRedirect(response.Headers.Location!.OriginalString);
        Assert.Equal("invalid_scope", posted["error"]);
        Assert.False(posted.ContainsKey("code"));
    }

    [Fact]
    public async Task A_client_registered_for_token_management_mints_tokens_no_broader_than_its_grant()
    {
        var integration = await ArrangeAsync(registeredFor: ["api_tokens:write", "installs:write"]);
        var clients = await integration.Admin.ExpectAsync(200, HttpMethod.Get, "/v1/oauth_clients");
        Assert.Equal(["installs:read", "installs:write", "api_tokens:read", "api_tokens:write"], Names(clients.GetProperty("data")[0].GetProperty("scopes")));

        var (_, challenge) = OAuthFlow.NewPkce();
        var consent = await integration.Browser.GetPageAsync(OAuthFlow.Url(OAuthFlow.Request(integration.ClientId, challenge, scope: "api_tokens:write installs:read")));
        Assert.Contains("id=\"consent-warning\"", consent, StringComparison.Ordinal);
        Assert.Contains(Permissions.Describe(Permission.ApiTokensWrite), consent, StringComparison.Ordinal);

        // Registered for more than it asks: it gets what it asked for, and the user saw.
        var tokens = await GrantAsync(integration, "api_tokens:write installs:read");
        var api = factory.Api(tokens.AccessToken, integration.User.WorkspaceId);
        var minted = await api.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "made by an integration", permissions = new[] { "installs:read" } });
        Assert.Equal(integration.User.UserId, minted.GetProperty("created_by").GetString());
        await (await api.PostAsync("/v1/api_tokens", new { name = "broader", permissions = new[] { "installs:write" } })).AssertErrorAsync(403, "insufficient_permission");
        await (await api.PostAsync("/v1/api_tokens", new { name = "everything" })).AssertErrorAsync(403, "insufficient_permission");
        // Not registered for members or integrations: still refused.
        await (await api.PostAsync("/v1/invitations", new { email = Accounts.NewEmail(), role = "member" })).AssertErrorAsync(403, "insufficient_permission");
    }

    [Fact]
    public async Task A_client_registered_for_a_narrow_set_cannot_ask_for_more()
    {
        var integration = await ArrangeAsync(registeredFor: ["installs:read"]);
        Assert.Equal("invalid_scope", (await RefusedAsync(integration, "api"))["error"]);
        Assert.Equal("invalid_scope", (await RefusedAsync(integration, "installs:write"))["error"]);
        // Without a scope it gets as much of `api` as it is registered for.
        Assert.Equal("installs:read", (await GrantAsync(integration, scope: null)).Scope);
    }

    [Fact]
    public async Task Registration_names_scopes_and_cannot_hand_out_management_its_registrant_lacks()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var unknown = await (await admin.PostAsync("/v1/oauth_clients", new { name = "x", redirect_uris = new[] { OAuthFlow.RedirectUri }, scopes = new[] { "installs:delete" } }))
            .AssertErrorAsync(422, "validation_error");
        Assert.Contains("installs:delete", unknown.ToString(), StringComparison.Ordinal);
        await (await admin.PostAsync("/v1/oauth_clients", new { name = "x", redirect_uris = new[] { OAuthFlow.RedirectUri }, scopes = Array.Empty<string>() }))
            .AssertErrorAsync(422, "validation_error");

        var byDefault = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/oauth_clients", new { name = "default", redirect_uris = new[] { OAuthFlow.RedirectUri } });
        Assert.Equal(Permissions.Names(OAuthScopes.ClientDefault), Names(byDefault.GetProperty("scopes")));
        var alias = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/oauth_clients", new { name = "alias", redirect_uris = new[] { OAuthFlow.RedirectUri }, scopes = new[] { "api" } });
        Assert.Equal(Permissions.Names(OAuthScopes.ApiAlias), Names(alias.GetProperty("scopes")));

        // A token that may register integrations cannot register one that may ask for what it does not hold itself:
        // neither token management nor anything else; by default its integrations may ask for what it holds.
        var registrar = (await admin.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "registrar", permissions = new[] { "oauth_clients:write", "installs:write" } }))
            .GetProperty("token").GetString()!;
        foreach (var beyond in new[] { "api_tokens:write", "audit:read", "api" })
        {
            var refused = await (await factory.Api(registrar).PostAsync("/v1/oauth_clients", new { name = "y", redirect_uris = new[] { OAuthFlow.RedirectUri }, scopes = new[] { beyond } }))
                .AssertErrorAsync(403, "insufficient_permission");
            Assert.Contains(beyond == "api" ? "api_tokens:read" : beyond, refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        await factory.Api(registrar).ExpectAsync(201, HttpMethod.Post, "/v1/oauth_clients", new { name = "z", redirect_uris = new[] { OAuthFlow.RedirectUri }, scopes = new[] { "installs:write" } });
        var defaulted = await factory.Api(registrar).ExpectAsync(201, HttpMethod.Post, "/v1/oauth_clients", new { name = "d", redirect_uris = new[] { OAuthFlow.RedirectUri } });
        Assert.Equal(["installs:read", "installs:write", "oauth_clients:read"], Names(defaulted.GetProperty("scopes")));
    }
}

/// <summary>What an outside review of issue 19 found, each fixed; these failed before the fix.</summary>
public abstract partial class OAuthScopeTests
{
    private async Task<string> IssueAsync(TestUser user, string clientId, string scope)
    {
        using var services = factory.Services.CreateScope();
        Assert.True(Akua.Domain.Common.EntityId.TryParse<Akua.Domain.Common.UserId>(user.UserId, out var id));
        return (await services.ServiceProvider.GetRequiredService<Akua.Application.Common.Abstractions.IAccessTokens>()
            .IssueAsync(id, clientId, scope, TestContext.Current.CancellationToken)).Token;
    }

    /// <summary>
    /// Registered in one workspace for token management, an integration that an owner of another workspace
    /// approves gets no token management there: only the registering workspace's admins chose to allow it.
    /// </summary>
    [Fact]
    public async Task Credential_management_scopes_apply_only_in_the_workspace_that_registered_the_client()
    {
        var ann = await factory.SignUpAsync();
        var (clientId, _) = await OAuthFlow.RegisterClientAsync(factory.Api(ann.Token, ann.WorkspaceId), scopes: ["api_tokens:write", "installs:write"]);
        var other = (await factory.Api(ann.Token).ExpectAsync(201, HttpMethod.Post, "/v1/workspaces", new { name = "Another of Ann's" })).GetProperty("id").GetString()!;
        var jwt = await IssueAsync(ann, clientId, "api_tokens:write installs:write");

        await factory.Api(jwt, ann.WorkspaceId).ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "here", permissions = new[] { "installs:read" } });
        var refused = await (await factory.Api(jwt, other).PostAsync("/v1/api_tokens", new { name = "there", permissions = new[] { "installs:read" } }))
            .AssertErrorAsync(403, "insufficient_permission");
        Assert.Contains("registered", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        await factory.Api(jwt, other).ExpectAsync(201, HttpMethod.Post, "/v1/installs", new { name = "web", product = "redis" }); // the rest of its scope applies
    }

    /// <summary>A deleted integration's access tokens stop: nothing is left that says where they may be used.</summary>
    [Fact]
    public async Task A_deleted_clients_access_tokens_are_refused()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var client = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/oauth_clients",
            new { name = "Bound", redirect_uris = new[] { OAuthFlow.RedirectUri }, allowed_ips = new[] { "192.0.2.0/24" } });
        var jwt = await IssueAsync(ann, client.GetProperty("client_id").GetString()!, "api");
        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/oauth_clients/{client.GetProperty("id").GetString()}");

        await (await factory.Api(jwt, ann.WorkspaceId).GetAsync("/v1/installs")).AssertErrorAsync(401, "unauthorized");
    }

    /// <summary>A narrowly scoped integration does not create workspaces: that takes workspace:write (in `api`).</summary>
    [Fact]
    public async Task Creating_a_workspace_takes_workspace_write()
    {
        var ann = await factory.SignUpAsync();
        var (clientId, _) = await OAuthFlow.RegisterClientAsync(factory.Api(ann.Token, ann.WorkspaceId));
        await (await factory.Api(await IssueAsync(ann, clientId, "installs:read")).PostAsync("/v1/workspaces", new { name = "By a reader" }))
            .AssertErrorAsync(403, "insufficient_permission");
        await factory.Api(await IssueAsync(ann, clientId, "workspace:write")).ExpectAsync(201, HttpMethod.Post, "/v1/workspaces", new { name = "By a writer" });
    }

    /// <summary>A bound token registers only integrations bound within its networks, as it creates only such tokens.</summary>
    [Fact]
    public async Task A_bound_token_registers_only_bound_integrations()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        // Its requests come from inside its network (the address set on the server's side of the connection).
        var bound = (await admin.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens",
            new { name = "bound", permissions = new[] { "oauth_clients:write", "installs:write" }, allowed_ips = new[] { "203.0.113.0/24" } })).GetProperty("token").GetString()!;

        async Task<int> RegisterFromInsideAsync(object body) =>
            (await factory.SendFromAsync("203.0.113.10", "POST", "/v1/oauth_clients", bound, body)).Status;

        Assert.Equal(403, await RegisterFromInsideAsync(new { name = "anywhere", redirect_uris = new[] { OAuthFlow.RedirectUri } }));
        Assert.Equal(403, await RegisterFromInsideAsync(new { name = "wider", redirect_uris = new[] { OAuthFlow.RedirectUri }, allowed_ips = new[] { "0.0.0.0/0" } }));
        Assert.Equal(201, await RegisterFromInsideAsync(new { name = "within", redirect_uris = new[] { OAuthFlow.RedirectUri }, allowed_ips = new[] { "203.0.113.0/25" } }));
    }

    /// <summary>One field said twice is refused, not read as its last value (which could drop an allowlist).</summary>
    [Fact]
    public async Task A_field_given_twice_is_refused()
    {
        var ann = await factory.SignUpAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/api_tokens")
        {
            Content = new StringContent("""{"name": "ci", "allowed_ips": ["192.0.2.1"], "allowed_ips": null}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", ann.Token);
        request.Headers.Add("Akua-Context", ann.WorkspaceId);
        var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        await response.AssertErrorAsync(400, "bad_request");
        var tokens = await factory.Api(ann.Token, ann.WorkspaceId).ExpectAsync(200, HttpMethod.Get, "/v1/api_tokens");
        Assert.Equal(0, tokens.GetProperty("data").GetArrayLength());
    }
}

public sealed class SqliteOAuthScopeTests(SqliteApiFactory factory) : OAuthScopeTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresOAuthScopeTests(PostgresApiFactory factory) : OAuthScopeTests(factory), IClassFixture<PostgresApiFactory>;
