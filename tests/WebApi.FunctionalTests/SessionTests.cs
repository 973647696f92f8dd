using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>Sign-in, sign-out and the sessions API.</summary>
public abstract class SessionTests(AkuaApiFactory factory)
{
    private const string SignIn = "/api/auth/sign-in/email";

    private async Task<string> SignInAsync(TestUser user)
    {
        var body = await factory.Api().ExpectAsync(200, HttpMethod.Post, SignIn, new { email = user.Email.ToUpperInvariant(), password = "correct horse battery" });
        Assert.Equal(user.UserId, body.GetProperty("user").GetProperty("id").GetString());
        return body.GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task Sign_in_starts_a_new_session_and_sign_out_ends_it_at_once()
    {
        var ann = await factory.SignUpAsync();
        var second = await SignInAsync(ann);
        Assert.NotEqual(ann.Token, second);

        await factory.Api(second).ExpectAsync(204, HttpMethod.Post, "/api/auth/sign-out");

        await (await factory.Api(second).GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");
        await factory.Api(ann.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer()
    {
        var ann = await factory.SignUpAsync();

        var wrong = await (await factory.Api().PostAsync(SignIn, new { email = ann.Email, password = "not the password" })).AssertErrorAsync(401, "unauthorized");
        var unknown = await (await factory.Api().PostAsync(SignIn, new { email = Accounts.NewEmail(), password = "not the password" })).AssertErrorAsync(401, "unauthorized");

        Assert.Equal(wrong.GetProperty("message").GetString(), unknown.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_user_lists_their_sessions_with_the_current_one_marked()
    {
        var ann = await factory.SignUpAsync();
        var second = await SignInAsync(ann);

        var sessions = await factory.Api(second).ExpectAsync(200, HttpMethod.Get, "/v1/sessions");

        var data = sessions.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, data.Count);
        var current = Assert.Single(data, s => s.GetProperty("current").GetBoolean());
        Assert.Equal(data[0].GetProperty("id").GetString(), current.GetProperty("id").GetString()); // newest first
        Assert.Equal("web", current.GetProperty("client").GetString());
        Assert.True(current.TryGetProperty("user_agent", out _));
        Assert.True(current.TryGetProperty("ip", out _));
        Assert.True(current.GetProperty("last_used_at").GetInt64() >= current.GetProperty("created_at").GetInt64());
    }

    [Fact]
    public async Task Ending_one_session_and_ending_all_others()
    {
        var ann = await factory.SignUpAsync();
        var second = await SignInAsync(ann);
        var third = await SignInAsync(ann);
        var secondId = (await factory.Api(second).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami")).GetProperty("id").GetString();

        await factory.Api(ann.Token).ExpectAsync(204, HttpMethod.Delete, $"/v1/sessions/{secondId}");
        await (await factory.Api(second).GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");
        await (await factory.Api(ann.Token).DeleteAsync($"/v1/sessions/{secondId}")).AssertErrorAsync(404, "not_found");

        await factory.Api(third).ExpectAsync(204, HttpMethod.Delete, "/v1/sessions");
        await (await factory.Api(ann.Token).GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");
        var left = await factory.Api(third).ExpectAsync(200, HttpMethod.Get, "/v1/sessions");
        Assert.Single(left.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Another_users_session_looks_absent()
    {
        var ann = await factory.SignUpAsync();
        var bob = await factory.SignUpAsync();
        var bobsSession = (await factory.Api(bob.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami")).GetProperty("id").GetString();

        await (await factory.Api(ann.Token).DeleteAsync($"/v1/sessions/{bobsSession}")).AssertErrorAsync(404, "not_found");
        await factory.Api(bob.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
    }

    [Fact]
    public async Task A_workspace_token_has_no_sessions_and_cannot_sign_out()
    {
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();

        await (await factory.Api(token).GetAsync("/v1/sessions")).AssertErrorAsync(403, "forbidden");
        await (await factory.Api(token).PostAsync("/api/auth/sign-out")).AssertErrorAsync(403, "forbidden");
        await (await factory.Api(token).PostAsync("/v1/workspaces", new { name = "Mine" })).AssertErrorAsync(403, "forbidden");
    }
}

public sealed class SqliteSessionTests(SqliteApiFactory factory) : SessionTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresSessionTests(PostgresApiFactory factory) : SessionTests(factory), IClassFixture<PostgresApiFactory>;
