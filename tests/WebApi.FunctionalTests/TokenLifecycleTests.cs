using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>A workspace API token from creation to revocation, as the seed describes it.</summary>
public abstract class TokenLifecycleTests(AkuaApiFactory factory)
{
    [Fact]
    public async Task Create_use_record_last_use_revoke_then_401_then_404()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds();

        var created = await admin.ExpectAsync(201, HttpMethod.Post, "/v1/api_tokens", new { name = "CI pipeline", expires_at = expiresAt });
        var id = created.GetProperty("id").GetString()!;
        var token = created.GetProperty("token").GetString()!;
        Assert.Matches("^tok_[0-9a-f]{32}$", id);
        Assert.Matches("^sk_akua_[A-Za-z0-9]{32}$", token);
        Assert.Equal(token[..12], created.GetProperty("prefix").GetString());
        Assert.Equal(expiresAt, created.GetProperty("expires_at").GetInt64());
        Assert.Equal(ann.WorkspaceId, created.GetProperty("workspace_id").GetString());
        Assert.Equal("admin", created.GetProperty("role").GetString());

        // Never again: neither the list nor the item shows the token.
        var listed = await admin.ExpectAsync(200, HttpMethod.Get, "/v1/api_tokens");
        var item = await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{id}");
        Assert.DoesNotContain(token, listed.ToString(), StringComparison.Ordinal);
        Assert.False(item.TryGetProperty("token", out _));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, item.GetProperty("last_used_at").ValueKind);

        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/installs");

        // last_used_at is written off the request path, shortly after.
        long? lastUsed = null;
        for (var i = 0; i < 50 && lastUsed is null; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            var now = await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{id}");
            lastUsed = now.GetProperty("last_used_at").ValueKind == System.Text.Json.JsonValueKind.Number ? now.GetProperty("last_used_at").GetInt64() : null;
        }

        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed.Value, created.GetProperty("created_at").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/api_tokens/{id}");
        await (await factory.Api(token).GetAsync("/v1/installs")).AssertErrorAsync(401, "unauthorized");
        await (await admin.DeleteAsync($"/v1/api_tokens/{id}")).AssertErrorAsync(404, "not_found");
        await (await admin.GetAsync($"/v1/api_tokens/{id}")).AssertErrorAsync(404, "not_found");
    }

    [Fact]
    public async Task Another_workspaces_token_is_not_found_and_not_listed()
    {
        var ann = await factory.SignUpAsync();
        var bob = await factory.SignUpAsync();
        var (bobsToken, _) = await factory.Api(bob.Token, bob.WorkspaceId).CreateApiTokenAsync();
        var ann_ = factory.Api(ann.Token, ann.WorkspaceId);

        await (await ann_.GetAsync($"/v1/api_tokens/{bobsToken}")).AssertErrorAsync(404, "not_found");
        await (await ann_.DeleteAsync($"/v1/api_tokens/{bobsToken}")).AssertErrorAsync(404, "not_found");
        var listed = await ann_.ExpectAsync(200, HttpMethod.Get, "/v1/api_tokens");
        Assert.DoesNotContain(bobsToken, listed.ToString(), StringComparison.Ordinal);
        await factory.Api(bob.Token, bob.WorkspaceId).ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{bobsToken}");
    }

    [Theory]
    [InlineData("tok_")]
    [InlineData("nope")]
    [InlineData("ws_01a21fbab89c7395ad60877a04aaaca9")]
    [InlineData("tok_01A21FBAB89C7395AD60877A04AAACA9")]
    [InlineData("tok_01a21fbab89c7395ad60877a04aaaca9")]
    public async Task An_id_of_the_wrong_prefix_or_shape_is_simply_not_found(string id)
    {
        var ann = await factory.SignUpAsync();

        await (await factory.Api(ann.Token, ann.WorkspaceId).GetAsync($"/v1/api_tokens/{id}")).AssertErrorAsync(404, "not_found");
    }

    [Theory]
    [InlineData(1742169600000L, "milliseconds")]
    [InlineData(1000L, "future")]
    public async Task Expiry_must_be_future_seconds(long expiresAt, string hint)
    {
        var ann = await factory.SignUpAsync();

        var error = await (await factory.Api(ann.Token, ann.WorkspaceId).PostAsync("/v1/api_tokens", new { name = "x", expires_at = expiresAt }))
            .AssertErrorAsync(422, "validation_error");

        var detail = error.GetProperty("details")[0];
        Assert.Equal("expires_at", detail.GetProperty("field").GetString());
        Assert.Contains(hint, detail.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\tinside")]
    public async Task A_name_is_required_and_printable(string name)
    {
        var ann = await factory.SignUpAsync();

        await (await factory.Api(ann.Token, ann.WorkspaceId).PostAsync("/v1/api_tokens", new { name })).AssertErrorAsync(422, "validation_error");
        await (await factory.Api(ann.Token, ann.WorkspaceId).PostAsync("/v1/api_tokens", new { name = new string('n', 101) })).AssertErrorAsync(422, "validation_error");
    }
}

public sealed class SqliteTokenLifecycleTests(SqliteApiFactory factory) : TokenLifecycleTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresTokenLifecycleTests(PostgresApiFactory factory) : TokenLifecycleTests(factory), IClassFixture<PostgresApiFactory>;
