using Akua.Cli.Api.Generated;
using Akua.Cli.Output;

namespace Akua.Cli.Commands;

/// <summary><c>cnap audit list</c>: the active workspace's audit log (owners and admins), or with <c>--mine</c> your own account's.</summary>
internal static class AuditCommands
{
    public static async Task<int> ListAsync(CliContext context, bool mine, string? action, string? actor, string? since, int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            throw new CliException(ExitCodes.Usage, "--limit is 1 to 1000.");
        }

        long? from = since is null ? null : DateTimeOffset.UtcNow.Subtract(TokenCommands.ParseDuration(since, "--since")).ToUnixTimeSeconds();
        var api = context.Api;
        var events = new List<AuditEventResponse>();
        var json = new System.Text.Json.Nodes.JsonArray();
        string? cursor = null;
        do
        {
            var size = Math.Min(100, limit - events.Count);
            var page = mine
                ? await api.CallAsync((client, ct) => client.ListMyAuditEventsAsync(size, cursor, action, actor, from, cancellationToken: ct), cancellationToken)
                : await api.CallAsync((client, ct) => client.ListAuditEventsAsync(size, cursor, action, actor, from, akua_Context: api.Context, cancellationToken: ct), cancellationToken);
            events.AddRange(page.Data);
            foreach (var item in api.LastJson.GetProperty("data").EnumerateArray())
            {
                json.Add(System.Text.Json.Nodes.JsonNode.Parse(item.GetRawText()));
            }

            cursor = page.Next_cursor;
        }
        while (cursor is not null && events.Count < limit);

        if (context.Json)
        {
            context.PrintJson(json);
            return ExitCodes.Ok;
        }

        if (events.Count == 0)
        {
            context.Say(mine ? "No events in your account's log match." : "No events in this workspace's audit log match.");
            return ExitCodes.Ok;
        }

        var table = new Table(
            new Column("Time"),
            new Column("Action"),
            new Column("Actor", Shortens: true),
            new Column("Target", DropOrder: 2),
            new Column("From", DropOrder: 1),
            new Column("Details", Shortens: true, DropOrder: 3));
        foreach (var e in events)
        {
            table.Row(Times.Absolute(e.Created_at), e.Action, Actor(e.Actor), $"{e.Target.Type} {e.Target.Id}".Trim(), e.Ip_address ?? "", Details(e.Details));
        }

        context.Print(table);
        return ExitCodes.Ok;
    }

    private static string Actor(AuditActorResponse actor) => actor.Kind switch
    {
        "api_token" => $"{actor.Id} ({actor.Token_prefix}…)",
        "user" when actor.Client_id is not null => $"{actor.Id} via {actor.Client_id}",
        "user" => actor.Id ?? "user",
        "system" => actor.Id ?? "system",
        _ => actor.Client_id is { } client ? "client " + client : "anonymous",
    };

    private static string Details(IDictionary<string, string> details) =>
        string.Join(", ", details.Where(d => d.Value is not null).Select(d => $"{d.Key}={d.Value}"));
}
