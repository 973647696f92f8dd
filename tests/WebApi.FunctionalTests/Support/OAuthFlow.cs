using Akua.TestSupport;
using Microsoft.AspNetCore.WebUtilities;

namespace Akua.WebApi.FunctionalTests.Support;

/// <summary>The browser side of the authorization code flow with PKCE, through the real consent page.</summary>
public static class OAuthFlow
{
    public const string RedirectUri = "http://127.0.0.1:9/callback";

    public static (string Verifier, string Challenge) NewPkce() => Pkce.New();

    /// <param name="scopes">What it may ask for; null leaves it out (every scope but credential management).</param>
    public static async Task<(string ClientId, string? Secret)> RegisterClientAsync(ApiClient admin, string type = "confidential", string redirectUri = RedirectUri, string[]? scopes = null)
    {
        object body = scopes is null
            ? new { name = "Test Integration", redirect_uris = new[] { redirectUri }, type }
            : new { name = "Test Integration", redirect_uris = new[] { redirectUri }, type, scopes };
        var client = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/oauth_clients", body);
        return (client.GetProperty("client_id").GetString()!, client.TryGetProperty("client_secret", out var s) ? s.GetString() : null);
    }

    /// <param name="scope">The scope asked for; null leaves the parameter out.</param>
    public static Dictionary<string, string> Request(string clientId, string challenge, string state = "xyz", string redirectUri = RedirectUri, string? scope = "api")
    {
        var request = new Dictionary<string, string>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        };
        if (scope is not null)
        {
            request["scope"] = scope;
        }

        return request;
    }

    public static string Url(Dictionary<string, string> parameters) => QueryHelpers.AddQueryString("/oauth/authorize", parameters!);

    /// <summary>Approves on the consent page; returns the redirect's query parameters (code and state, or an error).</summary>
    public static async Task<Dictionary<string, string>> ApproveAsync(BrowserSession browser, Dictionary<string, string> request, bool approve = true)
    {
        var response = await browser.SubmitAsync(Url(request), "/oauth/authorize?handler=" + (approve ? "Approve" : "Deny"), new Dictionary<string, string>(request));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return ParseRedirect(response.Headers.Location!.OriginalString);
    }

    public static Dictionary<string, string> ParseRedirect(string location)
    {
        Assert.StartsWith(RedirectUri.Split('?')[0], location, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    /// <summary>
    /// An integration's access token for <paramref name="user"/>, the whole way a real one is got: a client
    /// registered in the user's workspace, the consent page approved in a signed-in browser, the code exchanged.
    /// </summary>
    /// <param name="scope">What the integration asks for.</param>
    /// <param name="registeredFor">The scopes its client is registered for; null for the default.</param>
    public static async Task<string> AccessTokenAsync(AkuaApiFactory factory, TestUser user, string? host = null, string scope = "api", string[]? registeredFor = null)
    {
        var (clientId, secret) = await RegisterClientAsync(factory.Api(user.Token, user.WorkspaceId), scopes: registeredFor);
        var browser = await BrowserSessions.SignInAsync(factory, user);
        var (verifier, challenge) = NewPkce();
        var code = (await ApproveAsync(browser, Request(clientId, challenge, scope: scope)))["code"];
        using var exchange = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri,
                ["client_id"] = clientId, ["client_secret"] = secret!, ["code_verifier"] = verifier,
            }),
        };
        exchange.Headers.Host = host; // null: the client's own
        var response = await factory.CreateClient().SendAsync(exchange, TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        return (await response.JsonAsync()).GetProperty("access_token").GetString()!;
    }
}
