using System.Text.Json;
using System.Text.Json.Nodes;
using Akua.Cli.Api;
using Akua.Cli.Api.Generated;
using Akua.Cli.Output;
using Spectre.Console;

namespace Akua.Cli.Commands;

/// <summary><c>cnap workspaces list | switch | create</c>.</summary>
internal static class WorkspaceCommands
{
    public static async Task<int> ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        var (workspaces, json) = await AllAsync(context, cancellationToken);
        if (context.Json)
        {
            var data = new JsonArray();
            foreach (var w in json)
            {
                var node = JsonNode.Parse(w.GetRawText())!.AsObject();
                node["active"] = w.GetProperty("id").GetString() == context.Workspace;
                data.Add(node);
            }

            context.PrintJson(data);
            return ExitCodes.Ok;
        }

        var table = new Output.Table(new Column(string.Empty), new Column("ID"), new Column("Name", Shortens: true), new Column("Slug", Shortens: true), new Column("Role"));
        foreach (var w in workspaces)
        {
            table.Row(w.Id == context.Workspace ? "*" : string.Empty, w.Id, w.Name, w.Slug, TokenCommands.Role(w.Role));
        }

        context.Print(table);
        return ExitCodes.Ok;
    }

    public static async Task<int> SwitchAsync(CliContext context, string? id, CancellationToken cancellationToken)
    {
        if (context.Credential?.IsWorkspaceToken == true)
        {
            throw new CliException(ExitCodes.Usage, "A workspace API token always acts on its own workspace; there is nothing to switch.");
        }

        var (workspaces, json) = await AllAsync(context, cancellationToken);
        if (id is null)
        {
            if (!context.Environment.IsInteractive)
            {
                throw new CliException(ExitCodes.Usage, "Name the workspace: cnap workspaces switch <id or slug> (there is no terminal to choose from). Run 'cnap workspaces switch --help' for usage.");
            }

            // The current workspace comes first, so Enter keeps it, and it says that it is the current one.
            var ordered = workspaces.OrderByDescending(w => w.Id == context.Workspace).ToList();
            var choice = await context.Err.PromptAsync(new SelectionPrompt<WorkspaceResponse>()
                .Title("Switch to which workspace?")
                .UseConverter(w => Markup.Escape(TerminalText.Safe($"{w.Name} ({w.Slug}, {TokenCommands.Role(w.Role)})")) + (w.Id == context.Workspace ? " [green](current)[/]" : string.Empty))
                .AddChoices(ordered), cancellationToken);
            id = choice.Id;
        }

        var index = workspaces.FindIndex(w => w.Id == id || w.Slug == id);
        if (index < 0)
        {
            throw new CliException(ExitCodes.Error, $"You are not a member of a workspace '{id}' on {context.ApiUrl}. See: cnap workspaces list");
        }

        var chosen = workspaces[index];
        context.Config.Ensure(context.ApiUrl).ActiveWorkspace = chosen.Id;
        context.Store.Save(context.Config);
        context.Say($"Active workspace on {context.ApiUrl}: {chosen.Name} ({chosen.Id}).");
        if (context.Environment.Variable("AKUA_WORKSPACE_ID") is { Length: > 0 })
        {
            context.Say("Note: AKUA_WORKSPACE_ID is set in your environment and wins over this choice.");
        }

        if (context.Json)
        {
            context.PrintJson(json[index]);
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> CreateAsync(CliContext context, string name, string? slug, CancellationToken cancellationToken)
    {
        var api = context.Api;
        var created = await api.CallAsync((client, ct) => client.CreateWorkspaceAsync(new CreateWorkspaceRequest { Name = name, Slug = slug }, ct), cancellationToken);
        if (context.Json)
        {
            context.PrintJson(api.LastJson);
            return ExitCodes.Ok;
        }

        context.Print(new Output.Table(new Column("ID"), new Column("Name", Shortens: true), new Column("Slug", Shortens: true), new Column("Role"))
            .Row(created.Id, created.Name, created.Slug, TokenCommands.Role(created.Role)));
        return ExitCodes.Ok;
    }

    /// <summary>Every page of the caller's workspaces, typed and as the API sent them.</summary>
    private static async Task<(List<WorkspaceResponse> Typed, List<JsonElement> Json)> AllAsync(CliContext context, CancellationToken cancellationToken)
    {
        var api = context.Api;
        var typed = new List<WorkspaceResponse>();
        var json = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await api.CallAsync((client, ct) => client.ListWorkspacesAsync(limit: 100, cursor: cursor, cancellationToken: ct), cancellationToken);
            typed.AddRange(page.Data);
            json.AddRange(api.LastJson.GetProperty("data").EnumerateArray());
            cursor = page.Next_cursor;
        }
        while (cursor is not null);

        return (typed, json);
    }
}
