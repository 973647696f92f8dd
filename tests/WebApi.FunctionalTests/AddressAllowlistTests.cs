using System.Net;
using System.Text.Json;
using Akua.Application.Common.Abstractions;
using Akua.Domain.Common;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// Address allowlists (issue 19): a workspace API token, or an OAuth client's access tokens, usable only from
/// given IPv4 and IPv6 networks. Requests are sent with the client address set on the server's connection, as
/// Kestrel sets it (the proxy suite checks the address nginx forwards, and that a spoofed header changes nothing).
/// </summary>
public abstract class AddressAllowlistTests(AkuaApiFactory factory)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A request from <paramref name="address"/> (null: a connection without one); the status and the error code, if any.</summary>
    private async Task<(int Status, string? Code, string Body)> FromAsync(string? address, string token, string path = "/v1/auth/whoami", string? workspace = null)
    {
        var (status, body) = await factory.SendFromAsync(address, HttpMethods.Get, path, token, workspace: workspace);
        var code = status >= 400 && body.Length > 0 ? JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString() : null;
        return (status, code, body);
    }

    private static async Task<JsonElement> CreateAsync(ApiClient creator, object body) =>
        await creator.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", body);

    [Fact]
    public async Task A_token_works_only_from_its_networks_ipv4_and_ipv6()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var created = await CreateAsync(admin, new { name = "ci", allowed_ips = new[] { "203.0.113.0/24", "2001:DB8::/32", "198.51.100.7" } });
        Assert.Equal(["203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32"], created.GetProperty("allowed_ips").EnumerateArray().Select(n => n.GetString()));
        var token = created.GetProperty("token").GetString()!;

        foreach (var allowed in new[] { "203.0.113.7", "2001:db8:1::5", "198.51.100.7", "::ffff:203.0.113.9" })
        {
            Assert.Equal(200, (await FromAsync(allowed, token)).Status);
        }

        foreach (var refused in new[] { "203.0.114.1", "2001:db9::1", "198.51.100.8", "::1", "127.0.0.1", null })
        {
            var (status, code, body) = await FromAsync(refused, token);
            Assert.True(status == 403 && code == "ip_not_allowed", $"{refused ?? "no address"}: {status} {body}");
        }

        // Everywhere the token goes, not only whoami; and the list says where it works.
        Assert.Equal(403, (await FromAsync("192.0.2.1", token, "/v1/installs")).Status);
        Assert.Equal(200, (await FromAsync("203.0.113.1", token, "/v1/installs")).Status);
        var listed = (await admin.ExpectAsync(200, HttpMethod.Get, "/v1/api_tokens")).GetProperty("data").EnumerateArray()
            .Single(t => t.GetProperty("id").GetString() == created.GetProperty("id").GetString());
        Assert.Equal(3, listed.GetProperty("allowed_ips").GetArrayLength());
        // A token without a list works from anywhere, and says so with null.
        var open = await CreateAsync(admin, new { name = "open" });
        Assert.Equal(JsonValueKind.Null, open.GetProperty("allowed_ips").ValueKind);
        Assert.Equal(200, (await FromAsync("192.0.2.1", open.GetProperty("token").GetString()!)).Status);
    }

    [Fact]
    public async Task A_refused_use_is_not_a_use_and_an_endpoint_that_needs_no_credential_ignores_the_token()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var created = await CreateAsync(admin, new { name = "ci", allowed_ips = new[] { "203.0.113.0/24" } });
        var (id, token) = (created.GetProperty("id").GetString()!, created.GetProperty("token").GetString()!);

        Assert.Equal(200, (await FromAsync("192.0.2.1", token, "/healthz")).Status);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(403, (await FromAsync("192.0.2.1", token)).Status);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(600), Cancel); // six flush intervals
        Assert.Equal(JsonValueKind.Null, (await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{id}")).GetProperty("last_used_at").ValueKind);

        Assert.Equal(200, (await FromAsync("203.0.113.1", token)).Status);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{id}")).GetProperty("last_used_at").ValueKind == JsonValueKind.Null)
        {
            Assert.True(DateTime.UtcNow < deadline, "an allowed use was never recorded");
            await Task.Delay(100, Cancel);
        }
    }

    [Fact]
    public async Task Mistakes_are_named_and_the_longest_list_is_stored_whole()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        (object List, string Message)[] mistakes =
        [
            (new[] { "203.0.113.5/24" }, "did you mean 203.0.113.0/24"),
            (new[] { "banana" }, "banana"),
            (new[] { "10.0.0.0/33" }, "0 to 32"),
            (Array.Empty<string>(), "1 to 32"),
            (Enumerable.Range(0, 33).Select(i => $"10.0.0.{i}").ToArray(), "1 to 32"),
        ];
        foreach (var (list, message) in mistakes)
        {
            var error = await (await admin.PostAsync("/v1/api_tokens", new { name = "x", allowed_ips = list })).AssertErrorAsync(422, "validation_error");
            Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        }

        // 32 of the longest IPv6 networks: the column holds them (PostgreSQL refuses what does not fit).
        var longest = Enumerable.Range(0, AddressAllowlist.MaxNetworks).Select(i => $"ffff:ffff:ffff:ffff:ffff:ffff:ffff:{0xff00 + i:x4}").ToArray();
        var created = await CreateAsync(admin, new { name = "long", allowed_ips = longest });
        Assert.Equal(AddressAllowlist.MaxNetworks, created.GetProperty("allowed_ips").GetArrayLength());
        Assert.Equal(200, (await FromAsync("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff1f", created.GetProperty("token").GetString()!)).Status);
    }

    [Fact]
    public async Task A_bound_token_makes_only_tokens_bound_within_its_networks_and_a_roll_keeps_them()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var minter = (await CreateAsync(admin, new { name = "minter", allowed_ips = new[] { "203.0.113.0/24" } })).GetProperty("token").GetString()!;

        async Task<string> MintFromInsideAsync(object body) =>
            (await factory.SendFromAsync("203.0.113.10", HttpMethods.Post, "/v1/api_tokens", minter, body)) is var (status, text) ? $"{status} {text}" : "";

        Assert.StartsWith("403", await MintFromInsideAsync(new { name = "anywhere" }), StringComparison.Ordinal);
        Assert.StartsWith("403", await MintFromInsideAsync(new { name = "wider", allowed_ips = new[] { "203.0.112.0/23" } }), StringComparison.Ordinal);
        Assert.StartsWith("403", await MintFromInsideAsync(new { name = "elsewhere", allowed_ips = new[] { "198.51.100.0/24" } }), StringComparison.Ordinal);
        Assert.StartsWith("201", await MintFromInsideAsync(new { name = "narrower", allowed_ips = new[] { "203.0.113.128/25" } }), StringComparison.Ordinal);

        var bound = await CreateAsync(admin, new { name = "rolled", allowed_ips = new[] { "2001:db8::/32" } });
        var rolled = await admin.ExpectAsync(201, HttpMethod.Post, $"/v1/api_tokens/{bound.GetProperty("id").GetString()}/roll", new { expires_in = 0 });
        Assert.Equal(["2001:db8::/32"], rolled.GetProperty("allowed_ips").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(403, (await FromAsync("203.0.113.1", rolled.GetProperty("token").GetString()!)).Status);
    }

    [Fact]
    public async Task An_integrations_access_tokens_work_only_from_its_clients_networks()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var client = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/oauth_clients",
            new { name = "Deploy bot", redirect_uris = new[] { OAuthFlow.RedirectUri }, allowed_ips = new[] { "2001:db8::/32" } });
        Assert.Equal(["2001:db8::/32"], client.GetProperty("allowed_ips").EnumerateArray().Select(n => n.GetString()));
        await (await admin.PostAsync("/v1/oauth_clients", new { name = "x", redirect_uris = new[] { OAuthFlow.RedirectUri }, allowed_ips = new[] { "2001:db8::1/32" } }))
            .AssertErrorAsync(422, "validation_error");

        string jwt;
        using (var services = factory.Services.CreateScope())
        {
            Assert.True(EntityId.TryParse<UserId>(ann.UserId, out var user));
            jwt = (await services.ServiceProvider.GetRequiredService<IAccessTokens>().IssueAsync(user, client.GetProperty("client_id").GetString()!, "api", Cancel)).Token;
        }

        Assert.Equal(200, (await FromAsync("2001:db8::7", jwt, "/v1/installs", ann.WorkspaceId)).Status);
        var (status, code, _) = await FromAsync("203.0.113.7", jwt, "/v1/installs", ann.WorkspaceId);
        Assert.Equal((403, "ip_not_allowed"), (status, code));
        // The user's own session is not bound by the integration's list.
        Assert.Equal(200, (await FromAsync("203.0.113.7", ann.Token, "/v1/installs", ann.WorkspaceId)).Status);
    }
}

public sealed class SqliteAddressAllowlistTests(SqliteApiFactory factory) : AddressAllowlistTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresAddressAllowlistTests(PostgresApiFactory factory) : AddressAllowlistTests(factory), IClassFixture<PostgresApiFactory>;
