namespace Akua.Cli.Tests;

/// <summary>The prompts, at a real terminal (a pty): what they name, where they start, what a key does.</summary>
public sealed class PromptTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_revoke_prompt_names_the_token_and_no_keeps_it()
    {
        Cnap.RequireTerminal();
        using var cnap = await server.LoggedInAsync();
        var created = (await cnap.RunAsync("auth", "tokens", "create", "--name", "deploy-bot", "--output", "json")).Expect(ExitCodes.Ok).Json;
        var id = created.GetProperty("id").GetString()!;
        var token = created.GetProperty("token").GetString()!;

        var screen = (await cnap.RunInTerminalAsync(100, "n\r", "Revoke", "auth", "tokens", "revoke", id)).Expect(ExitCodes.ConfirmationRequired).Out;

        Assert.Contains($"Revoke \"deploy-bot\" ({created.GetProperty("prefix").GetString()}…, {id})?", screen, StringComparison.Ordinal);
        Assert.Equal(200, await server.WhoAmIStatusAsync(token));

        (await cnap.RunInTerminalAsync(100, "y\r", "Revoke", "auth", "tokens", "revoke", id)).Expect(ExitCodes.Ok);
        Assert.Equal(401, await server.WhoAmIStatusAsync(token));
    }

    [Fact]
    public async Task Interactive_switch_starts_on_the_current_workspace_and_marks_it()
    {
        Cnap.RequireTerminal();
        using var cnap = await server.LoggedInAsync();
        var personal = (await cnap.RunAsync("workspaces", "list", "--output", "json")).Expect(ExitCodes.Ok).Json.EnumerateArray().Single();
        var personalId = personal.GetProperty("id").GetString()!;
        var second = (await cnap.RunAsync("workspaces", "create", "Second team", "--output", "json")).Expect(ExitCodes.Ok).Json.GetProperty("id").GetString()!;

        // The list is newest first, so "Second team" leads it; the current (older) workspace must still come first.
        (await cnap.RunAsync("workspaces", "switch", personalId)).Expect(ExitCodes.Ok);
        var screen = (await cnap.RunInTerminalAsync(100, "\r", "Switch to which workspace?", "workspaces", "switch")).Expect(ExitCodes.Ok).Out;

        Assert.Contains("(current)", screen, StringComparison.Ordinal);
        var active = (await cnap.RunAsync("workspaces", "list", "--output", "json")).Json.EnumerateArray().Single(w => w.GetProperty("active").GetBoolean());
        Assert.Equal(personalId, active.GetProperty("id").GetString());

        // Down, Enter picks the other one.
        (await cnap.RunInTerminalAsync(100, "\u001b[B\r", "Switch to which workspace?", "workspaces", "switch")).Expect(ExitCodes.Ok);
        // And status names it.
        var status = (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.Ok).Out;
        Assert.Contains($"Active workspace\tSecond team ({second})", status, StringComparison.Ordinal);
    }
}
