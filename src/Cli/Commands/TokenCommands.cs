using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Akua.Cli.Commands;

/// <summary><c>cnap auth tokens list | create | revoke</c>: the active workspace's API tokens.</summary>
internal static class TokenCommands
{
    public static async Task<int> ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        var page = await context.Api.GetAsync("v1/api_tokens?limit=100", cancellationToken, scoped: true);
        if (!context.Json && !page.Data().Any())
        {
            context.Say("No API tokens in this workspace. Create one with: cnap auth tokens create --name <name>");
            return ExitCodes.Ok;
        }

        context.Print(page.GetProperty("data"), () =>
        {
            var table = Render.Table("ID", "Name", "Token", "Role", "Created", "Last used", "Expires");
            foreach (var t in page.Data())
            {
                table.Row(t.Str("id"), t.Str("name"), t.Str("prefix") + "…", t.Str("role"), Render.Time(t.Seconds("created_at")), Render.Time(t.Seconds("last_used_at")), Render.Time(t.Seconds("expires_at")));
            }

            return table;
        });
        return ExitCodes.Ok;
    }

    public static async Task<int> CreateAsync(CliContext context, string name, string? expiresIn, string role, CancellationToken cancellationToken)
    {
        long? expiresAt = expiresIn is null ? null : DateTimeOffset.UtcNow.Add(ParseDuration(expiresIn)).ToUnixTimeSeconds();
        var created = await context.Api.PostAsync("v1/api_tokens", new { name, expires_at = expiresAt, role }, cancellationToken, scoped: true);
        if (context.Json)
        {
            context.PrintJson(created);
            return ExitCodes.Ok;
        }

        context.Say($"Created {created.Str("id")} ({created.Str("role")}, expires {Render.Time(created.Seconds("expires_at"))}). Copy the token now: it is shown once.");
        context.Environment.Out.WriteLine(created.Str("token"));
        return ExitCodes.Ok;
    }

    public static async Task<int> RevokeAsync(CliContext context, string id, bool yes, CancellationToken cancellationToken)
    {
        if (!yes)
        {
            if (!context.Environment.IsInteractive)
            {
                throw new CliException(ExitCodes.ConfirmationRequired, $"Revoking {id} cannot be undone: pass --yes to confirm.");
            }

            if (!await context.Err.ConfirmAsync($"Revoke {id}? Anything using it stops working at once.", defaultValue: false, cancellationToken))
            {
                throw new CliException(ExitCodes.ConfirmationRequired, "Not revoked.");
            }
        }

        await context.Api.DeleteAsync($"v1/api_tokens/{Uri.EscapeDataString(id)}", cancellationToken, scoped: true);
        if (context.Json)
        {
            context.PrintJson(new { id, revoked = true });
        }
        else
        {
            context.Say($"Revoked {id}.");
        }

        return ExitCodes.Ok;
    }

    /// <summary><c>30d</c>, <c>12h</c>, <c>2w</c>, <c>1y</c>, <c>90m</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var unit = text.Length > 1 ? char.ToLowerInvariant(text[^1]) : ' ';
        if (!int.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            throw new CliException(ExitCodes.Usage, $"--expires-in '{text}' is not a duration like 30d, 12h, 2w or 1y.");
        }

        return unit switch
        {
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            'w' => TimeSpan.FromDays(count * 7),
            'y' => TimeSpan.FromDays(count * 365),
            _ => throw new CliException(ExitCodes.Usage, $"--expires-in '{text}' is not a duration like 30d, 12h, 2w or 1y."),
        };
    }
}
