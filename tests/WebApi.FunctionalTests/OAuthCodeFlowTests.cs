using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Duende.IdentityModel.Client;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// Integrations get JWT access tokens through the authorization code flow with PKCE, driven by a standard
/// client library (Duende.IdentityModel), and call the API with them as broad credentials.
/// </summary>
public sealed class OAuthCodeFlowTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    private HttpClient Http => factory.CreateClient();

    private async Task<DiscoveryDocumentResponse> DiscoverAsync()
    {
        var discovery = await Http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = "http://localhost",
            Policy = new DiscoveryPolicy { RequireHttps = false, DiscoveryDocumentPath = ".well-known/oauth-authorization-server" },
        }, TestContext.Current.CancellationToken);
        Assert.False(discovery.IsError, discovery.Error);
        return discovery;
    }

    private async Task<(TestUser User, BrowserSession Browser, string ClientId, string? Secret)> ArrangeAsync(string type = "confidential")
    {
        var user = await factory.SignUpAsync();
        var (clientId, secret) = await OAuthFlow.RegisterClientAsync(factory.Api(user.Token, user.WorkspaceId), type);
        return (user, await BrowserSessions.SignInAsync(factory, user), clientId, secret);
    }

    private async Task<TokenResponse> ExchangeAsync(DiscoveryDocumentResponse discovery, string clientId, string? secret, string code, string? verifier, string redirectUri = OAuthFlow.RedirectUri) =>
        await Http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = clientId,
            ClientSecret = secret,
            ClientCredentialStyle = secret is null ? ClientCredentialStyle.PostBody : ClientCredentialStyle.AuthorizationHeader,
            Code = code,
            RedirectUri = redirectUri,
            CodeVerifier = verifier,
        }, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("confidential")]
    [InlineData("public")]
    public async Task The_code_flow_with_pkce_gives_a_jwt_that_calls_the_api_as_a_broad_credential(string type)
    {
        var (user, browser, clientId, secret) = await ArrangeAsync(type);
        var discovery = await DiscoverAsync();
        Assert.Equal("http://localhost/oauth/authorize", discovery.AuthorizeEndpoint);
        var (verifier, challenge) = OAuthFlow.NewPkce();

        var consent = await browser.GetPageAsync(OAuthFlow.Url(OAuthFlow.Request(clientId, challenge)));
        Assert.Contains("Authorize Test Integration?", consent, StringComparison.Ordinal);
        var redirect = await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge, state: "s-123"));
        Assert.Equal("s-123", redirect["state"]);
        // RFC 9207: the response names its issuer, and the metadata says it does.
        Assert.Equal(discovery.Issuer, redirect["iss"]);
        Assert.True(discovery.Json!.Value.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());

        var tokens = await ExchangeAsync(discovery, clientId, secret, redirect["code"], verifier);
        Assert.False(tokens.IsError, tokens.Error + " " + tokens.ErrorDescription);
        Assert.StartsWith("eyJ", tokens.AccessToken, StringComparison.Ordinal);
        Assert.Equal(900, tokens.ExpiresIn);
        Assert.NotNull(tokens.RefreshToken);

        var me = await factory.Api(tokens.AccessToken).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        Assert.Equal("jwt", me.GetProperty("kind").GetString());
        Assert.Equal(clientId, me.GetProperty("client_id").GetString());
        Assert.Equal(user.UserId, me.GetProperty("user").GetProperty("id").GetString());
        Assert.InRange(me.GetProperty("expires_at").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 800, 910);

        // Broad, like a session: a workspace-scoped call needs Akua-Context.
        await (await factory.Api(tokens.AccessToken).GetAsync("/v1/installs")).AssertErrorAsync(403, "forbidden");
        await factory.Api(tokens.AccessToken, user.WorkspaceId).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
    }

    [Fact]
    public async Task The_access_token_has_the_rfc_9068_shape_and_claims()
    {
        var (user, browser, clientId, secret) = await ArrangeAsync();
        var (verifier, challenge) = OAuthFlow.NewPkce();
        var code = (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge)))["code"];
        var tokens = await ExchangeAsync(await DiscoverAsync(), clientId, secret, code, verifier);

        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.AccessToken);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("http://localhost", jwt.Issuer);
        Assert.Equal(["akua-api"], jwt.Audiences);
        Assert.Equal(user.UserId, jwt.Subject);
        Assert.Equal(clientId, jwt.GetPayloadValue<string>("client_id"));
        Assert.Equal("api", jwt.GetPayloadValue<string>("scope"));
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.True(jwt.IssuedAt > DateTime.UtcNow.AddMinutes(-1));

        var jwks = await factory.Api().ExpectAsync(200, HttpMethod.Get, "/.well-known/jwks.json");
        Assert.Contains(jwks.GetProperty("keys").EnumerateArray(), k => k.GetProperty("kid").GetString() == jwt.Kid && !k.TryGetProperty("d", out _));
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_family()
    {
        var (_, browser, clientId, secret) = await ArrangeAsync();
        var discovery = await DiscoverAsync();
        var (verifier, challenge) = OAuthFlow.NewPkce();
        var first = await ExchangeAsync(discovery, clientId, secret, (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge)))["code"], verifier);

        RefreshTokenRequest Refresh(string token) => new() { Address = discovery.TokenEndpoint, ClientId = clientId, ClientSecret = secret, RefreshToken = token };
        var second = await Http.RequestRefreshTokenAsync(Refresh(first.RefreshToken!), TestContext.Current.CancellationToken);
        Assert.False(second.IsError, second.Error);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        await factory.Api(second.AccessToken).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");

        var replay = await Http.RequestRefreshTokenAsync(Refresh(first.RefreshToken!), TestContext.Current.CancellationToken);
        Assert.Equal("invalid_grant", replay.Error);
        var afterReplay = await Http.RequestRefreshTokenAsync(Refresh(second.RefreshToken!), TestContext.Current.CancellationToken);
        Assert.Equal("invalid_grant", afterReplay.Error);
    }

    /// <summary>
    /// A code or a refresh token redeemed by several requests at once gives tokens to exactly one; every other
    /// answer is invalid_grant (the unit of work's lost race, answered by the grant), never a 409 or a 500.
    /// </summary>
    [Fact]
    public async Task Concurrent_redemptions_of_one_code_or_refresh_token_give_tokens_once()
    {
        var (_, browser, clientId, secret) = await ArrangeAsync();
        var discovery = await DiscoverAsync();
        var (verifier, challenge) = OAuthFlow.NewPkce();
        var code = (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge)))["code"];

        var exchanges = await AllAtOnceAsync(() => ExchangeAsync(discovery, clientId, secret, code, verifier));
        Assert.Single(exchanges, e => !e.IsError);
        Assert.All(exchanges.Where(e => e.IsError), e => Assert.Equal("invalid_grant", e.Error));

        // A code presented again after its redemption also revokes what it gave (RFC 6749 4.1.2), so the refresh
        // race starts from a code redeemed once.
        (verifier, challenge) = OAuthFlow.NewPkce();
        var issued = await ExchangeAsync(discovery, clientId, secret, (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge)))["code"], verifier);
        Assert.False(issued.IsError, issued.Error);
        var refreshes = await AllAtOnceAsync(() => Http.RequestRefreshTokenAsync(
            new RefreshTokenRequest { Address = discovery.TokenEndpoint, ClientId = clientId, ClientSecret = secret, RefreshToken = issued.RefreshToken! },
            TestContext.Current.CancellationToken));
        Assert.Single(refreshes, r => !r.IsError);
        Assert.All(refreshes.Where(r => r.IsError), r => Assert.Equal("invalid_grant", r.Error));
    }

    private static async Task<TokenResponse[]> AllAtOnceAsync(Func<Task<TokenResponse>> redeem)
    {
        using var go = new Barrier(10);
        return await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            go.SignalAndWait(TestContext.Current.CancellationToken);
            return await redeem();
        }, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Revocation_works_for_refresh_tokens_and_session_tokens()
    {
        var (user, browser, clientId, secret) = await ArrangeAsync();
        var discovery = await DiscoverAsync();
        var (verifier, challenge) = OAuthFlow.NewPkce();
        var tokens = await ExchangeAsync(discovery, clientId, secret, (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge)))["code"], verifier);

        var revoked = await Http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = discovery.RevocationEndpoint, ClientId = clientId, ClientSecret = secret, Token = tokens.RefreshToken!, TokenTypeHint = "refresh_token",
        }, TestContext.Current.CancellationToken);
        Assert.False(revoked.IsError, revoked.Error);
        var refresh = await Http.RequestRefreshTokenAsync(new RefreshTokenRequest { Address = discovery.TokenEndpoint, ClientId = clientId, ClientSecret = secret, RefreshToken = tokens.RefreshToken! }, TestContext.Current.CancellationToken);
        Assert.Equal("invalid_grant", refresh.Error);

        // A session token (the CLI's) is revoked the same way, by the public client that holds it.
        var session = await Http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = discovery.RevocationEndpoint, ClientId = "cnap-cli", ClientCredentialStyle = ClientCredentialStyle.PostBody, Token = user.Token,
        }, TestContext.Current.CancellationToken);
        Assert.False(session.IsError, session.Error);
        await (await factory.Api(user.Token).GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");

        // An unknown token is not an error (RFC 7009 section 2.2).
        var unknown = await Http.PostAsync("/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "nothing-like-it" }), TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)unknown.StatusCode);
    }

    [Fact]
    public async Task A_redirect_uri_that_is_not_registered_is_shown_and_never_redirected_to()
    {
        var (_, browser, clientId, _) = await ArrangeAsync();
        var (_, challenge) = OAuthFlow.NewPkce();

        var page = await browser.Http.GetAsync(OAuthFlow.Url(OAuthFlow.Request(clientId, challenge, redirectUri: "https://evil.example/callback")), TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains("has not registered", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("code_challenge", "invalid_request")]
    [InlineData("code_challenge_method", "invalid_request")]
    [InlineData("response_type", "unsupported_response_type")]
    public async Task A_request_without_pkce_s256_is_sent_back_with_the_error(string parameter, string error)
    {
        var (_, browser, clientId, _) = await ArrangeAsync();
        var (_, challenge) = OAuthFlow.NewPkce();
        var request = OAuthFlow.Request(clientId, challenge);
        if (parameter == "code_challenge")
        {
            request.Remove(parameter);
        }
        else
        {
            request[parameter] = parameter == "response_type" ? "token" : "plain";
        }

        var response = await browser.Http.GetAsync(OAuthFlow.Url(request), TestContext.Current.CancellationToken);

        Assert.Equal(302, (int)response.StatusCode);
        var redirect = OAuthFlow.ParseRedirect(response.Headers.Location!.OriginalString);
        Assert.Equal(error, redirect["error"]);
        Assert.Equal("xyz", redirect["state"]);
    }

    [Fact]
    public async Task Wrong_verifier_wrong_redirect_and_a_reused_code_are_invalid_grant()
    {
        var (_, browser, clientId, secret) = await ArrangeAsync();
        var discovery = await DiscoverAsync();
        var (verifier, challenge) = OAuthFlow.NewPkce();
        var code = (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge)))["code"];

        Assert.Equal("invalid_grant", (await ExchangeAsync(discovery, clientId, secret, code, OAuthFlow.NewPkce().Verifier)).Error);
        Assert.Equal("invalid_grant", (await ExchangeAsync(discovery, clientId, secret, code, null)).Error);
        Assert.Equal("invalid_grant", (await ExchangeAsync(discovery, clientId, secret, code, verifier, "http://127.0.0.1:9/other")).Error);
        // A client that authenticated with Basic and failed: 401 with WWW-Authenticate (RFC 6749 5.2), which the
        // library reports as an HTTP error; the body still names invalid_client.
        var wrongSecret = await ExchangeAsync(discovery, clientId, "wrong secret", code, verifier);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrongSecret.HttpStatusCode);
        Assert.Contains("\"invalid_client\"", wrongSecret.Raw, StringComparison.Ordinal);

        var first = await ExchangeAsync(discovery, clientId, secret, code, verifier);
        Assert.False(first.IsError, first.Error);
        Assert.Equal("invalid_grant", (await ExchangeAsync(discovery, clientId, secret, code, verifier)).Error);

        // The reuse revoked what the first exchange gave.
        var refresh = await Http.RequestRefreshTokenAsync(new RefreshTokenRequest { Address = discovery.TokenEndpoint, ClientId = clientId, ClientSecret = secret, RefreshToken = first.RefreshToken! }, TestContext.Current.CancellationToken);
        Assert.Equal("invalid_grant", refresh.Error);
    }

    [Fact]
    public async Task Denying_consent_sends_access_denied()
    {
        var (_, browser, clientId, _) = await ArrangeAsync();
        var (_, challenge) = OAuthFlow.NewPkce();

        var redirect = await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge), approve: false);

        Assert.Equal("access_denied", redirect["error"]);
        Assert.False(redirect.ContainsKey("code"));
    }

    [Fact]
    public async Task Members_cannot_register_clients_and_admins_can_list_and_delete_them()
    {
        var owner = await factory.SignUpAsync();
        var admin = factory.Api(owner.Token, owner.WorkspaceId);
        var (_, memberToken) = await admin.CreateApiTokenAsync("member");
        await (await factory.Api(memberToken).PostAsync("/v1/oauth_clients", new { name = "x", redirect_uris = new[] { OAuthFlow.RedirectUri } })).AssertErrorAsync(403, "forbidden");
        await (await admin.PostAsync("/v1/oauth_clients", new { name = "x", redirect_uris = new[] { "http://example.com/cb" } })).AssertErrorAsync(422, "validation_error");

        var (clientId, secret) = await OAuthFlow.RegisterClientAsync(admin);
        Assert.StartsWith("akcs_", secret, StringComparison.Ordinal);
        var listed = await factory.Api(memberToken).ExpectAsync(200, HttpMethod.Get, "/v1/oauth_clients");
        var item = Assert.Single(listed.GetProperty("data").EnumerateArray());
        Assert.False(item.TryGetProperty("client_secret", out _));
        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/oauth_clients/{item.GetProperty("id").GetString()}");
        Assert.Equal(clientId, item.GetProperty("client_id").GetString());
        Assert.Equal(0, (await admin.ExpectAsync(200, HttpMethod.Get, "/v1/oauth_clients")).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task The_metadata_document_lists_every_endpoint_grant_and_method()
    {
        var metadata = await factory.Api().ExpectAsync(200, HttpMethod.Get, "/.well-known/oauth-authorization-server");

        Assert.Equal("http://localhost/.well-known/jwks.json", metadata.GetProperty("jwks_uri").GetString());
        Assert.Equal("http://localhost/oauth/revoke", metadata.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));
        var grants = metadata.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Contains("authorization_code", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Contains(DeviceFlow.Grant, grants);
    }

    [Fact]
    public async Task Client_secret_post_works_like_basic()
    {
        var (_, browser, clientId, secret) = await ArrangeAsync();
        var (verifier, challenge) = OAuthFlow.NewPkce();
        var code = (await OAuthFlow.ApproveAsync(browser, OAuthFlow.Request(clientId, challenge)))["code"];

        var response = await Http.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = OAuthFlow.RedirectUri,
            ["client_id"] = clientId, ["client_secret"] = secret!, ["code_verifier"] = verifier,
        }), TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.StartsWith("eyJ", (await response.JsonAsync()).GetProperty("access_token").GetString(), StringComparison.Ordinal);
    }
}
