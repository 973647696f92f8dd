using System.Text.Json;
using System.Text.Json.Nodes;
using Akua.Cli.Api;
using Spectre.Console;

namespace Akua.Cli.Commands;

/// <summary><c>cnap workspaces list | switch | create</c>.</summary>
internal static class WorkspaceCommands
{
    public static async Task<int> ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        var workspaces = await AllAsync(context, cancellationToken);
        if (context.Json)
        {
            var data = new JsonArray();
            foreach (var w in workspaces)
            {
                var node = JsonNode.Parse(w.GetRawText())!.AsObject();
                node["active"] = w.Str("id") == context.Workspace;
                data.Add(node);
            }

            context.PrintJson(data);
            return ExitCodes.Ok;
        }

        var table = Render.Table("", "ID", "Name", "Slug", "Role");
        foreach (var w in workspaces)
        {
            table.Row(w.Str("id") == context.Workspace ? "*" : string.Empty, w.Str("id"), w.Str("name"), w.Str("slug"), w.Str("role"));
        }

        context.Out.Write(table);
        return ExitCodes.Ok;
    }

    public static async Task<int> SwitchAsync(CliContext context, string? id, CancellationToken cancellationToken)
    {
        if (AkuaApi.IsWorkspaceToken(context.Token))
        {
            throw new CliException(ExitCodes.Usage, "A workspace API token always acts on its own workspace; there is nothing to switch.");
        }

        var workspaces = await AllAsync(context, cancellationToken);
        if (id is null)
        {
            if (!context.Environment.IsInteractive)
            {
                throw new CliException(ExitCodes.Usage, "Name the workspace: cnap workspaces switch <id> (there is no terminal to choose from).");
            }

            var choice = await context.Err.PromptAsync(new SelectionPrompt<JsonElement>()
                .Title("Switch to which workspace?")
                .UseConverter(w => $"{Markup.Escape(w.Str("name") ?? "")} ({w.Str("id")}, {w.Str("role")})")
                .AddChoices(workspaces), cancellationToken);
            id = choice.Str("id");
        }

        var chosen = workspaces.FirstOrDefault(w => w.Str("id") == id || w.Str("slug") == id);
        if (chosen.ValueKind != JsonValueKind.Object)
        {
            throw new CliException(ExitCodes.Error, $"You are not a member of a workspace '{id}'. See: cnap workspaces list");
        }

        context.Config.ActiveWorkspace = chosen.Str("id");
        context.Store.Save(context.Config);
        context.Say($"Active workspace: {chosen.Str("name")} ({chosen.Str("id")}).");
        if (context.Environment.Variable("AKUA_WORKSPACE_ID") is { Length: > 0 })
        {
            context.Say("Note: AKUA_WORKSPACE_ID is set in your environment and wins over this choice.");
        }

        if (context.Json)
        {
            context.PrintJson(chosen);
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> CreateAsync(CliContext context, string name, string? slug, CancellationToken cancellationToken)
    {
        var created = await context.Api.PostAsync("v1/workspaces", new { name, slug }, cancellationToken);
        context.Print(created, () =>
        {
            var table = Render.Table("ID", "Name", "Slug", "Role");
            table.Row(created.Str("id"), created.Str("name"), created.Str("slug"), created.Str("role"));
            return table;
        });
        return ExitCodes.Ok;
    }

    private static async Task<List<JsonElement>> AllAsync(CliContext context, CancellationToken cancellationToken)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await context.Api.GetAsync("v1/workspaces?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), cancellationToken);
            all.AddRange(page.Data());
            cursor = page.Str("next_cursor");
        }
        while (cursor is not null);

        return all;
    }
}
