using System.Net.Http.Headers;
using Akua.Infrastructure.Credentials;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>What the bearer authentication accepts and refuses, and what it costs the database.</summary>
public sealed class AuthenticationTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    private async Task<HttpResponseMessage> WhoAmIWithHeaderAsync(params string[] authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/auth/whoami");
        foreach (var value in authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", value);
        }

        return await factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_token_with_a_broken_checksum_is_refused_without_any_database_command()
    {
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        var broken = token[..^1] + (token[^1] == 'a' ? 'b' : 'a');
        Assert.False(TokenFormat.HasValidChecksum(broken));
        await Task.Delay(300, TestContext.Current.CancellationToken); // let the last-use writer settle

        var before = factory.Meter.RequestCommands;
        for (var i = 0; i < 20; i++)
        {
            await (await factory.Api(broken).GetAsync("/v1/installs")).AssertErrorAsync(401, "unauthorized");
        }

        Assert.Equal(before, factory.Meter.RequestCommands);
    }

    [Fact]
    public async Task A_well_formed_unknown_token_is_401_with_invalid_token()
    {
        var unknown = TokenFormat.WithChecksum("sk_akua_" + new string('A', 26));

        var response = await factory.Api(unknown).GetAsync("/v1/installs");

        await response.AssertErrorAsync(401, "unauthorized");
        Assert.Equal("Bearer realm=\"akua\", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_jwt_is_refused_until_this_server_issues_them()
    {
        var jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c3JfMSJ9.";

        await (await WhoAmIWithHeaderAsync("Bearer " + jwt + "x")).AssertErrorAsync(401, "unauthorized");
    }

    [Fact]
    public async Task The_scheme_name_is_case_insensitive()
    {
        var ann = await factory.SignUpAsync();

        Assert.Equal(200, (int)(await WhoAmIWithHeaderAsync("bearer " + ann.Token)).StatusCode);
        Assert.Equal(200, (int)(await WhoAmIWithHeaderAsync("BEARER  " + ann.Token)).StatusCode);
    }

    public static TheoryData<string[]> MalformedHeaders => new()
    {
        { ["sk_akua_0000"] },                                   // no scheme
        { ["Basic dXNlcjpwYXNz"] },                             // wrong scheme
        { ["Bearer"] },                                         // empty
        { ["Bearer "] },
        { ["Bearer abc def"] },                                 // two tokens
        { ["Bearer " + new string('a', 32), "Bearer " + new string('b', 32)] }, // two headers
        { ["Bearer " + new string('x', 10 * 1024)] },           // 10 KB
        { ["Bearer abc\u0001def"] },                            // control character
        { ["Bearer ÄÖÜäöüßÄÖÜäöüßÄÖÜäöüßÄÖÜäöüßÄÖ"] },           // non-ASCII, 32 characters
        { ["Bearer eyJ.eyJ.sig.extra"] },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public async Task A_malformed_authorization_header_is_a_401_never_a_500(string[] header)
    {
        await Task.Delay(300, TestContext.Current.CancellationToken); // let the last-use writer settle
        var before = factory.Meter.RequestCommands;

        var response = await WhoAmIWithHeaderAsync(header);

        await response.AssertErrorAsync(401, "unauthorized");
        Assert.Equal(before, factory.Meter.RequestCommands);
    }

    [Fact]
    public async Task No_credential_is_a_401_that_asks_for_one()
    {
        var response = await factory.CreateClient().GetAsync("/v1/auth/whoami", TestContext.Current.CancellationToken);

        await response.AssertErrorAsync(401, "unauthorized");
        Assert.Equal(new AuthenticationHeaderValue("Bearer", "realm=\"akua\""), response.Headers.WwwAuthenticate.Single());
    }

    [Theory]
    [InlineData("Bearer sk_akua_0000")]                       // malformed
    [InlineData("Bearer 0123456789abcdef0123456789abcdef")]   // well formed, unknown
    [InlineData("Basic dXNlcjpwYXNz")]                        // another scheme
    public async Task An_endpoint_that_needs_no_credential_ignores_a_bad_one(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        var response = await factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Whoami_describes_a_workspace_token()
    {
        var ann = await factory.SignUpAsync();
        var (id, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync("member");

        var me = await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");

        Assert.Equal("api_token", me.GetProperty("kind").GetString());
        Assert.Equal(id, me.GetProperty("id").GetString());
        Assert.Equal(token[..12], me.GetProperty("prefix").GetString());
        Assert.Equal("member", me.GetProperty("role").GetString());
        Assert.Equal(ann.WorkspaceId, me.GetProperty("workspace").GetProperty("id").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("user").ValueKind);
    }

    [Fact]
    public async Task Whoami_describes_a_session()
    {
        var ann = await factory.SignUpAsync();

        var me = await factory.Api(ann.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");

        Assert.Equal("session", me.GetProperty("kind").GetString());
        Assert.StartsWith("ses_", me.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(ann.UserId, me.GetProperty("user").GetProperty("id").GetString());
        Assert.InRange(me.GetProperty("expires_at").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), (365 * 86400) - 60, (365 * 86400) + 60);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("workspace").ValueKind);
    }
}
