using System.Globalization;
using Akua.Cli.Api.Generated;
using Akua.Cli.Output;
using Spectre.Console;

namespace Akua.Cli.Commands;

/// <summary><c>cnap auth tokens list | create | roll | revoke</c>: the active workspace's API tokens.</summary>
internal static class TokenCommands
{
    public static async Task<int> ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        var api = context.Api;
        var tokens = new List<ApiTokenResponse>();
        var json = new System.Text.Json.Nodes.JsonArray();
        string? cursor = null;
        do
        {
            var page = await api.CallAsync((client, ct) => client.ListApiTokensAsync(limit: 100, cursor: cursor, akua_Context: api.Context, cancellationToken: ct), cancellationToken);
            tokens.AddRange(page.Data);
            foreach (var item in api.LastJson.GetProperty("data").EnumerateArray())
            {
                json.Add(System.Text.Json.Nodes.JsonNode.Parse(item.GetRawText()));
            }

            cursor = page.Next_cursor;
        }
        while (cursor is not null);

        if (context.Json)
        {
            context.PrintJson(json); // every page's data, each item as the API sent it
            return ExitCodes.Ok;
        }

        if (tokens.Count == 0)
        {
            context.Say("No API tokens in this workspace. Create one with: cnap auth tokens create --name <name>");
            return ExitCodes.Ok;
        }

        var table = new Output.Table(
            new Column("ID"),
            new Column("Name", Shortens: true),
            new Column("Token", DropOrder: 2),
            new Column("Role"),
            new Column("Created", DropOrder: 1),
            new Column("Last used", DropOrder: 3),
            new Column("Expires"),
            new Column("From", Shortens: true, DropOrder: 4),
            new Column("Status", Shortens: true));
        foreach (var t in tokens)
        {
            table.Row(t.Id, t.Name, context.Environment.OutputIsTerminal ? t.Prefix + "…" : t.Prefix, Role(t.Role), context.Time(t.Created_at), context.Time(t.Last_used_at), context.Time(t.Expires_at),
                t.Allowed_ips is { Count: > 0 } networks ? string.Join(", ", networks) : "anywhere", Status(t));
        }

        context.Print(table);
        return ExitCodes.Ok;
    }

    public static async Task<int> CreateAsync(
        CliContext context, string name, string? expiresIn, string role, string[] permissions, string[] allowedIps, CancellationToken cancellationToken)
    {
        long? expiresAt = expiresIn is null ? null : DateTimeOffset.UtcNow.Add(ParseDuration(expiresIn)).ToUnixTimeSeconds();
        var api = context.Api;
        var created = await api.CallAsync((client, ct) => client.CreateApiTokenAsync(new CreateApiTokenRequest { Name = name, Expires_at = expiresAt, Role = role == "member" ? CreateApiTokenRequestRole.Member : CreateApiTokenRequestRole.Admin, Permissions = permissions.Length == 0 ? null : permissions, Allowed_ips = allowedIps.Length == 0 ? null : allowedIps }, akua_Context: api.Context, cancellationToken: ct), cancellationToken);
        if (context.Json)
        {
            context.PrintJson(api.LastJson);
            return ExitCodes.Ok;
        }

        var rights = permissions.Length == 0 ? Role(created.Role) : string.Join(" ", created.Permissions);
        var from = created.Allowed_ips is { Count: > 0 } networks ? $", from {string.Join(", ", networks)} only" : "";
        context.Say($"Created {created.Id} ({rights}{from}, expires {Times.Absolute(created.Expires_at)}). Copy the token now: it is shown once.");
        context.Environment.Out.WriteLine(created.Token);
        return ExitCodes.Ok;
    }

    public static async Task<int> RevokeAsync(CliContext context, string id, bool yes, CancellationToken cancellationToken)
    {
        var api = context.Api;

        // Name what is about to be revoked, so the prompt is answered about a token, not an id.
        var token = await api.CallAsync((client, ct) => client.GetApiTokenAsync(id, akua_Context: api.Context, cancellationToken: ct), cancellationToken);
        var named = $"\"{token.Name}\" ({token.Prefix}…, {token.Id})";
        if (!yes)
        {
            if (!context.Environment.IsInteractive)
            {
                throw new CliException(ExitCodes.ConfirmationRequired, $"Revoking {named} cannot be undone: pass --yes to confirm.");
            }

            if (!await context.Err.ConfirmAsync($"Revoke {Markup.Escape(TerminalText.Safe(named))}? Anything using it stops working at once.", defaultValue: false, cancellationToken))
            {
                throw new CliException(ExitCodes.ConfirmationRequired, "Not revoked.");
            }
        }

        await api.CallAsync((client, ct) => client.RevokeApiTokenAsync(id, akua_Context: api.Context, cancellationToken: ct), cancellationToken);
        if (context.Json)
        {
            context.PrintJson(new System.Text.Json.Nodes.JsonObject { ["id"] = token.Id, ["revoked"] = true });
        }
        else
        {
            context.Say($"Revoked {named}.");
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// <c>cnap auth tokens roll</c>: a new token of the same name and role (printed once, on stdout); the old one keeps
    /// working for the overlap, so a deployment can switch to the new one.
    /// </summary>
    public static async Task<int> RollAsync(CliContext context, string id, string overlap, CancellationToken cancellationToken)
    {
        var seconds = overlap == "0" ? 0 : (long)ParseDuration(overlap, "--overlap").TotalSeconds;
        if (seconds > 7 * 86400)
        {
            throw new CliException(ExitCodes.Usage, "--overlap is at most 7d: how long the old token keeps working.");
        }

        var api = context.Api;
        var rolled = await api.CallAsync((client, ct) => client.RollApiTokenAsync(id, akua_Context: api.Context, body: new RollApiTokenRequest { Expires_in = seconds }, cancellationToken: ct), cancellationToken);
        if (context.Json)
        {
            context.PrintJson(api.LastJson);
            return ExitCodes.Ok;
        }

        var until = DateTimeOffset.UtcNow.AddSeconds(seconds).ToUnixTimeSeconds();
        context.Say(seconds == 0
            ? $"Rolled {id} to {rolled.Id}: the old token no longer works. Copy the new token now: it is shown once."
            : $"Rolled {id} to {rolled.Id}: the old token works until {Times.Absolute(until)}. Copy the new token now: it is shown once.");
        context.Environment.Out.WriteLine(rolled.Token);
        return ExitCodes.Ok;
    }

    /// <summary>What a listed token's state is, in a word or two: leaked, replaced, expired, expiring soon.</summary>
    internal static string Status(ApiTokenResponse t)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return t switch
        {
            { Revoked_reason: "leaked" } => "revoked: leaked" + (t.Leak_url is { } url ? " at " + url : string.Empty),
            { Expires_at: { } at } when at <= now => "expired",
            { Replaced_by: { } next } => "replaced by " + next,
            { Expires_at: { } at } when at - now < (long)CliContext.ExpiryWarning.TotalSeconds => "expires soon",
            _ => "active",
        };
    }

    internal static string Role(WorkspaceRole role) => role.ToString().ToLowerInvariant();

    /// <summary><c>30d</c>, <c>12h</c>, <c>2w</c>, <c>1y</c>, <c>90m</c>: at most 100 years.</summary>
    public static TimeSpan ParseDuration(string text, string option = "--expires-in")
    {
        var usage = new CliException(ExitCodes.Usage, $"{option} '{text}' is not a duration like 30d, 12h, 2w or 1y (at most 100y). Run 'cnap auth tokens --help' for usage.");
        var unit = text.Length > 1 ? char.ToLowerInvariant(text[^1]) : ' ';
        if (!long.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0 || count > 100L * 60 * 24 * 365)
        {
            throw usage;
        }

        long minutes = unit switch // count is at most 100 years of minutes, so no product overflows
        {
            'm' => count,
            'h' => count * 60,
            'd' => count * 60 * 24,
            'w' => count * 60 * 24 * 7,
            'y' => count * 60 * 24 * 365,
            _ => throw usage,
        };
        return minutes <= 100L * 60 * 24 * 365 ? TimeSpan.FromMinutes(minutes) : throw usage;
    }
}
