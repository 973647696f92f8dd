using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Akua.WebApi.FunctionalTests.Support;

/// <summary>A caller of the API with one credential (and optionally one Akua-Context), through real HTTP.</summary>
public sealed class ApiClient(HttpClient http, string? token = null, string? workspace = null)
{
    public string? Token { get; } = token;

    public HttpClient Http { get; } = http;

    public ApiClient As(string? bearer, string? context = null) => new(Http, bearer, context);

    public ApiClient In(string? context) => new(Http, Token, context);

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(HttpMethod.Get, url);

    public Task<HttpResponseMessage> DeleteAsync(string url) => SendAsync(HttpMethod.Delete, url);

    public Task<HttpResponseMessage> PostAsync(string url, object? body = null) => SendAsync(HttpMethod.Post, url, body);

    public Task<HttpResponseMessage> PatchAsync(string url, object body) => SendAsync(HttpMethod.Patch, url, body);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        if (workspace is not null)
        {
            request.Headers.TryAddWithoutValidation("Akua-Context", workspace);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Sends, asserts the status, and returns the JSON body (default for an empty one).</summary>
    public async Task<JsonElement> ExpectAsync(int status, HttpMethod method, string url, object? body = null)
    {
        var response = await SendAsync(method, url, body);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == (int)response.StatusCode, $"{method} {url}: expected {status}, got {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}

/// <summary>A signed-up user: a session token and the personal workspace it owns.</summary>
public sealed record TestUser(string Email, string UserId, string Token, string WorkspaceId);

public static class ApiClientExtensions
{
    public static ApiClient Api(this AkuaApiFactory factory, string? token = null, string? workspace = null) =>
        new(factory.CreateClient(), token, workspace);

    public static async Task<TestUser> SignUpAsync(this AkuaApiFactory factory, string? name = null)
    {
        var api = factory.Api();
        var email = Accounts.NewEmail();
        var body = await api.ExpectAsync(201, HttpMethod.Post, "/api/auth/sign-up/email", Accounts.SignUpBody(email, name: name ?? "Test User"));
        var token = body.GetProperty("token").GetString()!;
        var workspaces = await api.As(token).ExpectAsync(200, HttpMethod.Get, "/v1/workspaces");
        return new TestUser(email, body.GetProperty("user").GetProperty("id").GetString()!, token, workspaces.GetProperty("data")[0].GetProperty("id").GetString()!);
    }

    /// <summary>
    /// Makes <paramref name="invitee"/> a member the only way there is: <paramref name="inviter"/> invites their
    /// email, and they accept. Returns the invitation's id.
    /// </summary>
    public static async Task<string> InviteAndAcceptAsync(this AkuaApiFactory factory, ApiClient inviter, TestUser invitee, string role = "member")
    {
        var invitation = await inviter.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = invitee.Email, role });
        var id = invitation.GetProperty("id").GetString()!;
        // The code comes with the link the inviter sends; holding the email's account is not enough.
        await factory.Api(invitee.Token).ExpectAsync(200, HttpMethod.Post, $"/v1/user/invitations/{id}/accept", new { code = invitation.GetProperty("code").GetString() });
        return id;
    }

    /// <summary>Creates a workspace API token with <paramref name="creator"/>'s credential; returns (id, token).</summary>
    public static async Task<(string Id, string Token)> CreateApiTokenAsync(this ApiClient creator, string role = "admin", long? expiresAt = null)
    {
        var body = await creator.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "test " + role, role, expires_at = expiresAt });
        return (body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!);
    }
}
