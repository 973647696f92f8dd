using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>Every row of the scoping table (API.md section 4), for each credential kind, on each engine.</summary>
public abstract class ScopingTests(AkuaApiFactory factory)
{
    private const string Installs = "/v1/installs";

    private async Task<(TestUser Ann, TestUser Bob, string AnnToken, string AnnInstall)> ArrangeAsync()
    {
        var ann = await factory.SignUpAsync("Ann");
        var bob = await factory.SignUpAsync("Bob");
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        var install = await factory.Api(token).ExpectAsync(201, HttpMethod.Post, Installs, new { name = "web", product = "postgres" });
        return (ann, bob, token, install.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task A_workspace_token_without_the_header_acts_on_its_own_workspace()
    {
        var (ann, _, token, install) = await ArrangeAsync();

        var list = await factory.Api(token).ExpectAsync(200, HttpMethod.Get, Installs);

        var only = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(install, only.GetProperty("id").GetString());
        Assert.Equal(ann.WorkspaceId, only.GetProperty("workspace_id").GetString());
    }

    [Fact]
    public async Task A_workspace_token_with_its_own_workspace_in_the_header_is_accepted()
    {
        var (ann, _, token, _) = await ArrangeAsync();

        await factory.Api(token, ann.WorkspaceId).ExpectAsync(200, HttpMethod.Get, Installs);
    }

    [Fact]
    public async Task A_workspace_token_with_any_other_workspace_in_the_header_is_forbidden()
    {
        var (_, bob, token, _) = await ArrangeAsync();

        await (await factory.Api(token, bob.WorkspaceId).GetAsync(Installs)).AssertErrorAsync(403, "forbidden");
        await (await factory.Api(token, "ws_xxx").GetAsync(Installs)).AssertErrorAsync(403, "forbidden");
    }

    [Fact]
    public async Task A_broad_credential_without_the_header_is_forbidden()
    {
        var (ann, _, _, _) = await ArrangeAsync();

        var error = await (await factory.Api(ann.Token).GetAsync(Installs)).AssertErrorAsync(403, "forbidden");
        Assert.Contains("Akua-Context", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broad_credential_acts_on_a_workspace_its_user_belongs_to()
    {
        var (ann, _, _, install) = await ArrangeAsync();

        var list = await factory.Api(ann.Token, ann.WorkspaceId).ExpectAsync(200, HttpMethod.Get, Installs);

        Assert.Equal(install, Assert.Single(list.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Another_users_workspace_and_a_missing_one_get_the_same_403()
    {
        var (ann, bob, _, _) = await ArrangeAsync();

        var theirs = await (await factory.Api(bob.Token, ann.WorkspaceId).GetAsync(Installs)).AssertErrorAsync(403, "forbidden");
        var missing = await (await factory.Api(bob.Token, "ws_" + Guid.CreateVersion7().ToString("N")).GetAsync(Installs)).AssertErrorAsync(403, "forbidden");
        var invented = await (await factory.Api(bob.Token, "ws_xxx").GetAsync(Installs)).AssertErrorAsync(403, "forbidden");

        Assert.Equal(theirs.GetProperty("message").GetString(), missing.GetProperty("message").GetString());
        Assert.Equal(theirs.GetProperty("message").GetString(), invented.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("usr_01a21fbab890707ea79cae58dbd32373")]
    [InlineData("ws_0123456789012345678901234567890123456789012345678901")] // 54 characters
    [InlineData("ws_abc\u0001")]
    [InlineData("ws_abc def")]
    [InlineData("ws_a,ws_b")]
    public async Task A_malformed_header_is_a_400_for_every_credential(string header)
    {
        var (ann, _, token, _) = await ArrangeAsync();

        await (await factory.Api(token, header).GetAsync(Installs)).AssertErrorAsync(400, "bad_request");
        await (await factory.Api(ann.Token, header).GetAsync(Installs)).AssertErrorAsync(400, "bad_request");
    }

    [Fact]
    public async Task Endpoints_that_are_not_workspace_scoped_ignore_the_header()
    {
        var (ann, bob, _, _) = await ArrangeAsync();

        await factory.Api(ann.Token, "not a workspace").ExpectAsync(200, HttpMethod.Get, "/v1/workspaces");
        await factory.Api(ann.Token, bob.WorkspaceId).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        await factory.Api(ann.Token, "").ExpectAsync(200, HttpMethod.Get, "/v1/sessions");
    }

    [Fact]
    public async Task Without_a_credential_every_v1_endpoint_is_401_before_scoping()
    {
        var (ann, _, _, _) = await ArrangeAsync();

        var response = await factory.Api(null, ann.WorkspaceId).GetAsync(Installs);

        await response.AssertErrorAsync(401, "unauthorized");
        Assert.Equal("Bearer realm=\"akua\"", response.Headers.WwwAuthenticate.ToString());
    }
}

public sealed class SqliteScopingTests(SqliteApiFactory factory) : ScopingTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresScopingTests(PostgresApiFactory factory) : ScopingTests(factory), IClassFixture<PostgresApiFactory>;
