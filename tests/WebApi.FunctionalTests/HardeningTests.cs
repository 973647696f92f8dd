using System.Net.Http.Headers;
using System.Text;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// Findings of the outside security review (issue 15) that live in the API's input and output: strict enums,
/// strict UTF-8, no-store on every secret, RFC 6749's 401 for a client that authenticated with Basic, and
/// sign-up's personal workspace on a database that refuses what SQLite forgives.
/// </summary>
public abstract class HardeningTests(AkuaApiFactory factory)
{
    public static TheoryData<string> NotARole() => ["member,admin", "admin,owner", " admin", "admin ", "aDmIn", "Admin", "ADMIN", "3", "", "owner|admin"];

    [Theory]
    [MemberData(nameof(NotARole))]
    public async Task A_role_is_exactly_one_documented_lowercase_name(string role)
    {
        var owner = await factory.SignUpAsync("Owner");
        var member = await factory.SignUpAsync("Member");
        var api = factory.Api(owner.Token, owner.WorkspaceId);
        await factory.InviteAndAcceptAsync(api, member);

        // "member,admin" was read as the flags Member|Admin = Owner: a member made an owner.
        var error = await (await api.PatchAsync($"/v1/members/{member.UserId}", new { role })).AssertErrorAsync(422, "validation_error");
        Assert.Equal("role", error.GetProperty("details")[0].GetProperty("field").GetString());
        await (await api.PostAsync("/v1/api_tokens", new { name = "x", role })).AssertErrorAsync(422, "validation_error");

        var members = await api.ExpectAsync(200, HttpMethod.Get, "/v1/members");
        Assert.Contains(members.GetProperty("data").EnumerateArray(), m => m.GetProperty("user_id").GetString() == member.UserId && m.GetProperty("role").GetString() == "member");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(true)]
    public async Task A_role_is_never_a_number_or_another_type(object role)
    {
        var owner = await factory.SignUpAsync();
        await (await factory.Api(owner.Token, owner.WorkspaceId).PostAsync("/v1/api_tokens", new { name = "x", role })).AssertErrorAsync(422, "validation_error");
    }

    [Theory]
    [InlineData("Public")]
    [InlineData("public,confidential")]
    [InlineData("CONFIDENTIAL")]
    public async Task A_client_type_is_exactly_one_documented_lowercase_name(string type)
    {
        var owner = await factory.SignUpAsync();
        var body = new { name = "Integration", redirect_uris = new[] { OAuthFlow.RedirectUri }, type };
        await (await factory.Api(owner.Token, owner.WorkspaceId).PostAsync("/v1/oauth_clients", body)).AssertErrorAsync(422, "validation_error");
    }

    [Fact]
    public async Task The_documented_names_still_work_and_answers_use_them()
    {
        var owner = await factory.SignUpAsync();
        var api = factory.Api(owner.Token, owner.WorkspaceId);
        var token = await api.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "ci", role = "member" });
        Assert.Equal("member", token.GetProperty("role").GetString());
        var client = await api.ExpectAsync(201, HttpMethod.Post, "/v1/oauth_clients", new { name = "Integration", redirect_uris = new[] { OAuthFlow.RedirectUri }, type = "public" });
        Assert.Equal("public", client.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded UTF-16 surrogate
    public async Task Invalid_utf8_in_a_json_string_is_a_400(byte[] bad)
    {
        var owner = await factory.SignUpAsync();
        var body = Encoding.UTF8.GetBytes("{\"name\": \"a").Concat(bad).Concat(Encoding.UTF8.GetBytes("b\"}")).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/installs") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.Token);
        request.Headers.Add("Akua-Context", owner.WorkspaceId);

        var response = await factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        var error = await response.AssertErrorAsync(400, "bad_request");
        Assert.Contains("UTF-8", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_answer_that_carries_a_secret_is_no_store()
    {
        var email = Accounts.NewEmail();
        var http = factory.CreateClient();
        var signUp = await http.PostJsonAsync("/api/auth/sign-up/email", Accounts.SignUpBody(email));
        Assert.Equal(201, (int)signUp.StatusCode);
        var signIn = await http.PostJsonAsync("/api/auth/sign-in/email", new { email, password = "correct horse battery" });
        Assert.Equal(200, (int)signIn.StatusCode);
        var session = (await signIn.JsonAsync()).GetProperty("token").GetString();
        var workspace = (await factory.Api(session).ExpectAsync(200, HttpMethod.Get, "/v1/workspaces")).GetProperty("data")[0].GetProperty("id").GetString();
        var api = factory.Api(session, workspace);
        var token = await api.PostAsync("/v1/api_tokens", new { name = "ci" });
        Assert.Equal(201, (int)token.StatusCode);
        var client = await api.PostAsync("/v1/oauth_clients", new { name = "Integration", redirect_uris = new[] { OAuthFlow.RedirectUri } });
        Assert.Equal(201, (int)client.StatusCode);

        foreach (var (what, response) in new[] { ("sign-up", signUp), ("sign-in", signIn), ("api token", token), ("oauth client", client) })
        {
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
        }
    }

    [Theory]
    [InlineData("/oauth/token")]
    [InlineData("/oauth/revoke")]
    public async Task A_client_that_fails_basic_authentication_gets_a_401_with_www_authenticate(string endpoint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token", ["refresh_token"] = "not-a-token", ["token"] = "not-a-token",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("no-such-client:wrong")));

        var response = await factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("invalid_client", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        Assert.True(response.Headers.CacheControl?.NoStore == true);
    }

    [Theory]
    [InlineData(89)]
    [InlineData(100)]
    public async Task A_long_name_signs_up_and_its_personal_workspace_name_fits(int length)
    {
        // "<name>'s workspace" overflowed the workspace's 100 characters: a 500 on PostgreSQL, silently kept by SQLite.
        var name = new string('n', length - 4) + " Ann";
        var body = await factory.Api().ExpectAsync(201, HttpMethod.Post, "/api/auth/sign-up/email", Accounts.SignUpBody(name: name));

        var workspaces = await factory.Api(body.GetProperty("token").GetString()).ExpectAsync(200, HttpMethod.Get, "/v1/workspaces");
        var workspaceName = workspaces.GetProperty("data")[0].GetProperty("name").GetString()!;
        Assert.InRange(workspaceName.Length, 1, 100);
        Assert.EndsWith("’s workspace", workspaceName.Replace('\'', '’'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_guessing_a_password_does_not_lock_out_a_browser_that_signed_in_before()
    {
        var user = await factory.SignUpAsync();
        var owner = factory.CreateClient(); // keeps its cookies, as a browser does
        var attacker = factory.CreateClient();
        object Body(string password) => new { email = user.Email, password };
        Assert.Equal(200, (int)(await owner.PostJsonAsync("/api/auth/sign-in/email", Body("correct horse battery"))).StatusCode);

        for (var i = 0; i < 10; i++)
        {
            await (await attacker.PostJsonAsync("/api/auth/sign-in/email", Body("wrong guess " + i))).AssertErrorAsync(401, "unauthorized");
        }

        // The email is locked for everyone else, even with the right password...
        await (await attacker.PostJsonAsync("/api/auth/sign-in/email", Body("correct horse battery"))).AssertErrorAsync(429, "rate_limited");
        await (await factory.CreateClient().PostJsonAsync("/api/auth/sign-in/email", Body("correct horse battery"))).AssertErrorAsync(429, "rate_limited");

        // ...but not for the browser its owner signed in from: its device cookie has a count of its own.
        Assert.Equal(200, (int)(await owner.PostJsonAsync("/api/auth/sign-in/email", Body("correct horse battery"))).StatusCode);

        // Which is a limit too: ten wrong guesses from that browser lock that browser.
        for (var i = 0; i < 10; i++)
        {
            await (await owner.PostJsonAsync("/api/auth/sign-in/email", Body("typo " + i))).AssertErrorAsync(401, "unauthorized");
        }

        await (await owner.PostJsonAsync("/api/auth/sign-in/email", Body("correct horse battery"))).AssertErrorAsync(429, "rate_limited");
    }

    [Fact]
    public async Task A_device_cookie_is_for_its_own_account_only_and_cannot_be_forged()
    {
        var owner = await factory.SignUpAsync();
        var victim = await factory.SignUpAsync();
        var client = factory.CreateClient();
        Assert.Equal(200, (int)(await client.PostJsonAsync("/api/auth/sign-in/email", new { email = owner.Email, password = "correct horse battery" })).StatusCode);

        // Another account's lock applies to this browser in full: its cookie names the owner, not the victim.
        for (var i = 0; i < 10; i++)
        {
            await (await factory.CreateClient().PostJsonAsync("/api/auth/sign-in/email", new { email = victim.Email, password = "guess " + i })).AssertErrorAsync(401, "unauthorized");
        }

        await (await client.PostJsonAsync("/api/auth/sign-in/email", new { email = victim.Email, password = "correct horse battery" })).AssertErrorAsync(429, "rate_limited");

        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-in/email") { Content = System.Net.Http.Json.JsonContent.Create(new { email = victim.Email, password = "correct horse battery" }) };
        forged.Headers.Add("Cookie", "akua_device=CfDJ8" + new string('A', 120));
        await (await factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false }).SendAsync(forged, TestContext.Current.CancellationToken)).AssertErrorAsync(429, "rate_limited");
    }

    [Fact]
    public async Task Concurrent_sign_ups_with_one_name_all_succeed_with_their_own_slugs()
    {
        var name = "Twin " + Guid.NewGuid().ToString("N")[..8];

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            factory.CreateClient().PostJsonAsync("/api/auth/sign-up/email", Accounts.SignUpBody(name: name))));

        Assert.All(answers, a => Assert.Equal(201, (int)a.StatusCode));
        var slugs = new List<string>();
        foreach (var answer in answers)
        {
            var workspaces = await factory.Api((await answer.JsonAsync()).GetProperty("token").GetString()).ExpectAsync(200, HttpMethod.Get, "/v1/workspaces");
            slugs.Add(workspaces.GetProperty("data")[0].GetProperty("slug").GetString()!);
        }

        Assert.Equal(4, slugs.Distinct().Count());
        Assert.All(slugs, s => Assert.StartsWith("twin-", s, StringComparison.Ordinal));
    }
}

public sealed class SqliteHardeningTests(SqliteApiFactory factory) : HardeningTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresHardeningTests(PostgresApiFactory factory) : HardeningTests(factory), IClassFixture<PostgresApiFactory>;
