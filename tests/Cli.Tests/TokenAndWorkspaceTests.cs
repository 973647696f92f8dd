namespace Akua.Cli.Tests;

/// <summary><c>cnap auth tokens</c> and <c>cnap workspaces</c>, and what is sent as Akua-Context.</summary>
public sealed class TokenAndWorkspaceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Tokens_list_create_revoke_round_trip()
    {
        using var cnap = await server.LoggedInAsync();

        var created = (await cnap.RunAsync("auth", "tokens", "create", "--name", "ci", "--expires-in", "30d", "--role", "member", "--output", "json")).Expect(ExitCodes.Ok).Json;
        var id = created.GetProperty("id").GetString()!;
        var token = created.GetProperty("token").GetString()!;
        Assert.Equal("member", created.GetProperty("role").GetString());
        Assert.InRange(created.GetProperty("expires_at").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), (30 * 86400) - 60, 30 * 86400);
        Assert.Equal(200, await server.WhoAmIStatusAsync(token));

        var listed = (await cnap.RunAsync("auth", "tokens", "list", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(token, listed.ToString(), StringComparison.Ordinal);
        var table = (await cnap.RunAsync("auth", "tokens", "list")).Expect(ExitCodes.Ok).Out;
        Assert.Contains(id, table, StringComparison.Ordinal);

        (await cnap.RunAsync("auth", "tokens", "revoke", id)).Expect(ExitCodes.ConfirmationRequired);
        Assert.Equal(200, await server.WhoAmIStatusAsync(token));
        (await cnap.RunAsync("auth", "tokens", "revoke", id, "--yes", "--output", "json")).Expect(ExitCodes.Ok);
        Assert.Equal(401, await server.WhoAmIStatusAsync(token));
        (await cnap.RunAsync("auth", "tokens", "revoke", id, "--yes")).Expect(ExitCodes.Error);
    }

    [Fact]
    public async Task Status_warns_when_the_credential_expires_within_7_days()
    {
        using var cnap = await server.LoggedInAsync();
        var shortLived = (await cnap.RunAsync("auth", "tokens", "create", "--name", "short", "--expires-in", "3d", "--output", "json")).Json.GetProperty("token").GetString()!;
        var longLived = (await cnap.RunAsync("auth", "tokens", "create", "--name", "long", "--expires-in", "30d", "--output", "json")).Json.GetProperty("token").GetString()!;

        cnap.Environment["AKUA_API_TOKEN"] = shortLived;
        var soon = (await cnap.RunAsync("auth", "status", "--output", "json")).Expect(ExitCodes.Ok);
        Assert.True(soon.Json.GetProperty("expires_soon").GetBoolean());
        Assert.Contains("Warning", soon.Err, StringComparison.Ordinal);
        Assert.Equal("api_token", soon.Json.GetProperty("kind").GetString());
        Assert.Equal(shortLived[..12], soon.Json.GetProperty("prefix").GetString());

        cnap.Environment["AKUA_API_TOKEN"] = longLived;
        var later = (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.Ok);
        Assert.DoesNotContain("Warning", later.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(longLived, later.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_sends_the_active_workspace_and_a_workspace_token_does_not()
    {
        using var cnap = await server.LoggedInAsync();
        var first = (await cnap.RunAsync("workspaces", "list", "--output", "json")).Expect(ExitCodes.Ok).Json[0];
        Assert.True(first.GetProperty("active").GetBoolean());
        var ciToken = (await cnap.RunAsync("auth", "tokens", "create", "--name", "first", "--output", "json")).Json.GetProperty("token").GetString()!;

        var second = (await cnap.RunAsync("workspaces", "create", "Second", "--output", "json")).Expect(ExitCodes.Ok).Json.GetProperty("id").GetString()!;
        var switched = (await cnap.RunAsync("workspaces", "switch", second, "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(second, switched.GetProperty("id").GetString());
        var listed = (await cnap.RunAsync("workspaces", "list", "--output", "json")).Json;
        Assert.Single(listed.EnumerateArray(), w => w.GetProperty("active").GetBoolean() && w.GetProperty("id").GetString() == second);

        // With the session, the token lands in the active workspace: Akua-Context was sent.
        var made = (await cnap.RunAsync("auth", "tokens", "create", "--name", "second", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(second, made.GetProperty("workspace_id").GetString());

        // With the first workspace's token, the active workspace is not sent (it would be a 403): the token's own.
        cnap.Environment["AKUA_API_TOKEN"] = ciToken;
        var theirs = (await cnap.RunAsync("auth", "tokens", "list", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.All(theirs.EnumerateArray(), t => Assert.Equal(first.GetProperty("id").GetString(), t.GetProperty("workspace_id").GetString()));
    }

    [Fact]
    public async Task Switching_without_an_id_needs_a_terminal_and_an_unknown_id_is_refused()
    {
        using var cnap = await server.LoggedInAsync();

        (await cnap.RunAsync("workspaces", "switch")).Expect(ExitCodes.Usage);
        (await cnap.RunAsync("workspaces", "switch", "ws_" + Guid.CreateVersion7().ToString("N"))).Expect(ExitCodes.Error);
    }

    [Fact]
    public async Task A_taken_slug_is_a_conflict()
    {
        using var cnap = await server.LoggedInAsync();
        var slug = "slug-" + Guid.NewGuid().ToString("N")[..8];

        (await cnap.RunAsync("workspaces", "create", "One", "--slug", slug)).Expect(ExitCodes.Ok);
        var taken = (await cnap.RunAsync("workspaces", "create", "Two", "--slug", slug)).Expect(ExitCodes.Conflict);
        Assert.Contains("slug", taken.Err, StringComparison.Ordinal);
    }
}
