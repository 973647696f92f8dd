using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Duende.IdentityModel.Client;
using Microsoft.Playwright;

namespace Akua.Browser.Tests;

/// <summary>
/// An integration connected the way a person does it: the authorization code flow with PKCE in Chromium,
/// from the consent page to the client's own redirect URI, a real HTTP listener on loopback. Chromium
/// enforces the page's Content-Security-Policy on the redirect that answers the consent form, which an HTTP
/// client never does (issue 14: Authorize and Cancel did nothing).
/// </summary>
public sealed class ConsentFlowTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Authorize_sends_the_browser_to_the_client_with_a_code_that_buys_a_working_jwt()
    {
        fixture.RequireBrowser();
        await using var client = new RedirectListener();
        var integration = await RegisterIntegrationAsync(client.RedirectUri);
        var (verifier, challenge) = Akua.TestSupport.Pkce.New();
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

        var page = await SignedInPageAsync(integration);
        await page.GotoAsync(AuthorizeUrl(integration.ClientId, client.RedirectUri, state, challenge));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Consent test app");
        // Who approves, for which workspace's integration, and where the browser goes next.
        await Assertions.Expect(page.Locator("#consent-account")).ToContainTextAsync(integration.Account.Email);
        await Assertions.Expect(page.Locator("#client-workspace")).ToContainTextAsync("Casey Consent");
        await Assertions.Expect(page.Locator("#consent-destination")).ToContainTextAsync(new Uri(client.RedirectUri).Authority);
        await BrowserFixture.ScreenshotAsync(page, "10-oauth-consent");
        // The listener answers only once asked: ask first, or the click waits for a page that never comes.
        var arriving = client.NextAsync(ArrivalTimeout);
        await page.ClickAsync("#approve");
        var arrival = await arriving;
        await BrowserFixture.ArrivedAsync(page, url => url.StartsWith(client.RedirectUri, StringComparison.Ordinal));

        Assert.Equal(state, arrival["state"]);
        Assert.Equal(fixture.BaseAddress.ToString().TrimEnd('/'), arrival["iss"]);
        var token = await fixture.Http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = new Uri(fixture.BaseAddress, "/oauth/token").ToString(),
            ClientId = integration.ClientId,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Code = arrival["code"],
            RedirectUri = client.RedirectUri,
            CodeVerifier = verifier,
        }, TestContext.Current.CancellationToken);
        Assert.False(token.IsError, token.Error);
        Assert.Equal(200, await fixture.WhoAmIStatusAsync(token.AccessToken!));
        await BrowserFixture.CloseAsync(page);
    }

    [Fact]
    public async Task Cancel_sends_the_browser_to_the_client_with_access_denied()
    {
        fixture.RequireBrowser();
        await using var client = new RedirectListener();
        var integration = await RegisterIntegrationAsync(client.RedirectUri);
        var (_, challenge) = Akua.TestSupport.Pkce.New();

        var page = await SignedInPageAsync(integration);
        await page.GotoAsync(AuthorizeUrl(integration.ClientId, client.RedirectUri, "s-123", challenge));
        var arriving = client.NextAsync(ArrivalTimeout);
        await page.ClickAsync("#deny");
        var arrival = await arriving;
        await BrowserFixture.ArrivedAsync(page, url => url.StartsWith(client.RedirectUri, StringComparison.Ordinal));

        Assert.Equal("access_denied", arrival["error"]);
        Assert.Equal("s-123", arrival["state"]);
        Assert.False(arrival.ContainsKey("code"));
        await BrowserFixture.CloseAsync(page);
    }

    /// <summary>
    /// On a phone: a client registered for token management asks for it; the page says so in words with a
    /// warning, and the token the approval buys mints a narrow API token and nothing broader.
    /// </summary>
    [Fact]
    public async Task A_credential_management_scope_is_spelled_out_with_a_warning_and_granted_as_shown_on_a_phone()
    {
        fixture.RequireBrowser();
        await using var client = new RedirectListener();
        var integration = await RegisterIntegrationAsync(client.RedirectUri, ["api_tokens:write", "installs:read"]);
        var (verifier, challenge) = Akua.TestSupport.Pkce.New();

        var page = await fixture.SignedInPageAsync(integration.Account, 390);
        await page.GotoAsync(AuthorizeUrl(integration.ClientId, client.RedirectUri, "s-9", challenge, "api_tokens:write installs:read"));
        await Assertions.Expect(page.Locator("#consent-can li")).ToHaveCountAsync(4); // your workspaces, installs:read, api_tokens:read (implied), api_tokens:write
        await Assertions.Expect(page.Locator("#consent-can")).ToContainTextAsync("Create, roll and revoke API tokens");
        await Assertions.Expect(page.Locator("#consent-warning")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#consent-cannot")).ToContainTextAsync("invite and remove members");
        await BrowserFixture.ScreenshotAsync(page, "11-oauth-consent-token-management-390");
        var arriving = client.NextAsync(ArrivalTimeout);
        await page.ClickAsync("#approve");
        var arrival = await arriving;
        await BrowserFixture.ArrivedAsync(page, url => url.StartsWith(client.RedirectUri, StringComparison.Ordinal));

        var token = await fixture.Http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = new Uri(fixture.BaseAddress, "/oauth/token").ToString(),
            ClientId = integration.ClientId,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Code = arrival["code"],
            RedirectUri = client.RedirectUri,
            CodeVerifier = verifier,
        }, TestContext.Current.CancellationToken);
        Assert.False(token.IsError, token.Error);
        Assert.Equal("api_tokens:write installs:read", token.Scope);
        await fixture.ApiAsync(HttpMethod.Post, "/v1/api_tokens", token.AccessToken!, integration.Account.WorkspaceId, new { name = "from the integration", permissions = new[] { "installs:read" } });
        await BrowserFixture.CloseAsync(page);
    }

    private sealed record Integration(BrowserFixture.Account Account, string ClientId);

    /// <summary>A user (through the API), and a public client registered in their workspace.</summary>
    private async Task<Integration> RegisterIntegrationAsync(string redirectUri, string[]? scopes = null)
    {
        var account = await fixture.NewAccountAsync("Casey Consent");
        object body = scopes is null
            ? new { name = "Consent test app", redirect_uris = new[] { redirectUri }, type = "public" }
            : new { name = "Consent test app", redirect_uris = new[] { redirectUri }, type = "public", scopes };
        var registered = await fixture.ApiAsync(HttpMethod.Post, "/v1/oauth_clients", account.Session, account.WorkspaceId, body);
        return new Integration(account, registered.GetProperty("client_id").GetString()!);
    }

    private Task<IPage> SignedInPageAsync(Integration integration) => fixture.SignedInPageAsync(integration.Account);

    private static string AuthorizeUrl(string clientId, string redirectUri, string state, string challenge, string scope = "api") =>
        $"/oauth/authorize?response_type=code&scope={Uri.EscapeDataString(scope)}" +
        $"&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}" +
        $"&state={Uri.EscapeDataString(state)}&code_challenge={challenge}&code_challenge_method=S256";

    /// <summary>
    /// The integration's redirect URI: a real HTTP server on a loopback port of its own, which answers each
    /// arrival with a small page and hands its query parameters to the test.
    /// </summary>
    private sealed class RedirectListener : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();

        public RedirectListener()
        {
            var port = FreePort();
            RedirectUri = $"http://127.0.0.1:{port}/callback";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
        }

        public string RedirectUri { get; }

        /// <summary>The next request the browser sends here, as its query parameters; fails after <paramref name="timeout"/>.</summary>
        public async Task<Dictionary<string, string>> NextAsync(TimeSpan timeout)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(timeout, TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                throw new Xunit.Sdk.XunitException($"The browser never arrived at the client's redirect URI within {timeout.TotalSeconds:0} s (a Content-Security-Policy refusing the redirect looks like this).");
            }

            var query = context.Request.QueryString;
            var parameters = query.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => query[k]!);
            var page = "<!doctype html><title>Connected</title><p>Back at the integration.</p>"u8.ToArray();
            context.Response.ContentType = "text/html";
            context.Response.ContentLength64 = page.Length;
            await context.Response.OutputStream.WriteAsync(page);
            context.Response.Close();
            return parameters;
        }

        public ValueTask DisposeAsync()
        {
            _listener.Close();
            return ValueTask.CompletedTask;
        }

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
