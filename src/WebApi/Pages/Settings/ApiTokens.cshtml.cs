using System.Text.Json;
using Akua.Application.ApiTokens;
using Akua.Application.ApiTokens.CreateApiToken;
using Akua.Application.ApiTokens.GetApiToken;
using Akua.Application.ApiTokens.GetApiTokenUsage;
using Akua.Application.ApiTokens.ListApiTokens;
using Akua.Application.ApiTokens.RevokeApiToken;
using Akua.Application.ApiTokens.RollApiToken;
using Akua.Application.Common.Paging;
using Akua.Application.Workspaces;
using Akua.Application.Workspaces.ListWorkspaces;
using Akua.Application.Workspaces.UpdateWorkspace;
using Akua.Domain.Workspaces;
using Akua.WebApi.Authentication;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Akua.WebApi.Pages.Settings;

/// <summary>"Workspace settings &gt; API tokens": the same use cases as <c>/v1/api_tokens</c>, for people.</summary>
public sealed class ApiTokensModel(IMediator mediator, TimeProvider clock) : AkuaPage(mediator)
{
    [BindProperty(SupportsGet = true)]
    public string? Workspace { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Revoke { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Roll { get; set; }

    /// <summary>The selected workspace, with the caller's role and its token lifetime policy.</summary>
    public WorkspaceResponse? Selected { get; private set; }

    /// <summary>Each listed token's requests per day over 90 days, for its chart.</summary>
    public IReadOnlyDictionary<string, ApiTokenUsageResponse> Usage { get; private set; } = new Dictionary<string, ApiTokenUsageResponse>();

    public ApiTokenResponse? ConfirmRoll { get; private set; }

    public string? RolledFrom { get; private set; }

    public string? PolicySaved { get; private set; }

    /// <summary>The overlaps the roll form offers, in seconds: how long the old token keeps working.</summary>
    public static readonly (long Seconds, string Label)[] Overlaps = [(0, "stops now"), (3600, "1 hour"), (86400, "24 hours"), (7 * 86400, "7 days")];

    /// <summary>The lifetimes the owner can set as the workspace's maximum, in days (0: no limit).</summary>
    public static readonly (int Days, string Label)[] Policies = [(0, "no limit"), (7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "a year")];

    /// <summary>
    /// The expiries the create form offers: the usual ones the workspace's policy allows (never only without a
    /// policy), and, under a policy, its maximum itself (-1).
    /// </summary>
    public IEnumerable<(int Days, string Label)> ExpiryChoices
    {
        get
        {
            (int Days, string Label)[] all = [(7, "in 7 days"), (30, "in 30 days"), (90, "in 90 days"), (365, "in a year"), (0, "never")];
            if (Selected?.MaxTokenLifetime is not { } limit)
            {
                return all;
            }

            return all.Where(c => c.Days > 0 && c.Days * 86400L <= limit).Append((-1, $"at the workspace's maximum ({Akua.Domain.Workspaces.Workspace.DescribeLifetime(limit)})"));
        }
    }


    /// <summary>A listed token's state in a few words, as <c>cnap auth tokens list</c> says it.</summary>
    public (string Text, string Class) Status(ApiTokenResponse t)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return t switch
        {
            { RevokedReason: "leaked" } => ("revoked: leaked", "status-leaked"),
            { ExpiresAt: { } at } when at <= now => ("expired", "status-expired"),
            { ReplacedBy: not null } => ("replaced", "status-replaced"),
            { ExpiresAt: { } at } when at - now < 7 * 86400 => ("expires soon", "status-soon"),
            _ => ("active", "status-active"),
        };
    }

    public IReadOnlyList<WorkspaceResponse> Workspaces { get; private set; } = [];

    public IReadOnlyList<ApiTokenResponse> Tokens { get; private set; } = [];

    public CreatedApiTokenResponse? Created { get; private set; }

    public ApiTokenResponse? Confirm { get; private set; }

    public string? Revoked { get; private set; }

    public async Task OnGetAsync()
    {
        // What the last post did, carried over its redirect (once, in an encrypted cookie that is then removed).
        Created = TempData[nameof(Created)] is string created ? JsonSerializer.Deserialize<CreatedApiTokenResponse>(created) : null;
        Revoked = TempData[nameof(Revoked)] as string;
        RolledFrom = TempData[nameof(RolledFrom)] as string;
        PolicySaved = TempData[nameof(PolicySaved)] as string;
        if (await SelectWorkspaceAsync() && Revoke is not null)
        {
            (_, Confirm) = await TryAsync(() => Mediator.Send(new GetApiTokenQuery(Revoke)));
        }
        else if (Workspace is not null && Roll is not null)
        {
            (_, ConfirmRoll) = await TryAsync(() => Mediator.Send(new GetApiTokenQuery(Roll)));
        }

        await LoadTokensAsync();
    }

    /// <summary>The longest expiry the form offers a choice up to; the API takes any future time.</summary>
    public const int MaxExpiryDays = 3650;

    /// <summary>The create form's choices of what a token may do: presets, or the permissions checked below them.</summary>
    public static readonly (string Value, string Label, string Hint)[] AccessPresets =
    [
        ("full", "Full access", "everything its role allows"),
        ("read", "Read only", "sees everything its role may see, changes nothing"),
        ("deploy", "Deploy installs", "installs:write, nothing else"),
        ("custom", "Only the permissions checked below", ""),
    ];

    /// <summary>What a preset grants a token of <paramref name="role"/> (null: everything the role allows).</summary>
    private static Permission? PresetPermissions(string access, WorkspaceRole role, IEnumerable<string> chosen) => access switch
    {
        "read" => Permissions.All.Where(p => p.Name.EndsWith(":read", StringComparison.Ordinal)).Aggregate(Permission.None, (set, p) => set | p.Value) & Permissions.OfRole(role),
        "deploy" => Permission.InstallsWrite,
        "custom" => chosen.Aggregate(Permission.None, (set, name) => Permissions.TryParse(name, out var p) ? set | p : set),
        _ => null,
    };

    /// <summary>A token's rights in a few words: "full access", or its permissions without the reads its writes imply.</summary>
    public string Access(ApiTokenResponse t)
    {
        var held = t.Permissions.Aggregate(Permission.None, (set, name) => Permissions.TryParse(name, out var p) ? set | p : set);
        if (held == Permissions.OfRole(t.Role))
        {
            return "full access";
        }

        var implied = Permissions.All.Where(w => w.Name.EndsWith(":write", StringComparison.Ordinal) && (held & w.Value) != 0)
            .Aggregate(Permission.None, (set, w) => set | (Permissions.WithImplied(w.Value) & ~w.Value));
        return string.Join(" ", Permissions.Names(held & ~implied));
    }

    public async Task<IActionResult> OnPostCreateAsync(
        string name, int expiresInDays, WorkspaceRole role, string? access = null, string[]? permissions = null, string? allowedIps = null)
    {
        access ??= "full";
        var chosen = PresetPermissions(access, role, permissions ?? []);
        if (!ModelState.IsValid || expiresInDays is < -1 or > MaxExpiryDays || AccessPresets.All(p => p.Value != access))
        {
            // A value the form never offers (a hand-made post, an old page): say so; never a 500, and never a
            // token that does not expire because a number did not parse.
            Error = $"Choose when the token expires: in 1 to {MaxExpiryDays:N0} days, or never; a role of admin or member; and what it may do.";
            await SelectWorkspaceAsync();
            await LoadTokensAsync();
            return Page();
        }

        if (chosen == Permission.None)
        {
            Error = "Check at least one permission, or choose one of the other kinds of access.";
            await SelectWorkspaceAsync();
            await LoadTokensAsync();
            return Page();
        }

        // One network per line (commas and spaces work too); empty: any address.
        var networks = allowedIps?.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);

        if (await SelectWorkspaceAsync())
        {
            long? expiresAt = expiresInDays switch
            {
                > 0 => clock.GetUtcNow().AddDays(expiresInDays).ToUnixTimeSeconds(),
                -1 when Selected?.MaxTokenLifetime is { } limit => clock.GetUtcNow().AddSeconds(limit).ToUnixTimeSeconds(),
                _ => null, // never; under a policy the use case refuses it and says why
            };
            var (ok, created) = await TryAsync(() => Mediator.Send(new CreateApiTokenCommand(
                name, expiresAt, role, chosen is { } set ? Permissions.Names(set) : null, networks is { Length: > 0 } ? networks : null)));
            if (ok)
            {
                // Post, redirect, get: a reload must not create a second token.
                TempData[nameof(Created)] = JsonSerializer.Serialize(created);
                return RedirectToPage(new { workspace = Workspace });
            }
        }

        await LoadTokensAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string id)
    {
        if (await SelectWorkspaceAsync())
        {
            var (found, token) = await TryAsync(() => Mediator.Send(new GetApiTokenQuery(id)));
            if (found && (await TryAsync(async () => await Mediator.Send(new RevokeApiTokenCommand(id)))).Ok)
            {
                TempData[nameof(Revoked)] = token!.Name;
                return RedirectToPage(new { workspace = Workspace });
            }
        }

        await LoadTokensAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRollAsync(string id, long overlapSeconds)
    {
        if (await SelectWorkspaceAsync())
        {
            var (found, token) = await TryAsync(() => Mediator.Send(new GetApiTokenQuery(id)));
            var (ok, rolled) = found ? await TryAsync(() => Mediator.Send(new RollApiTokenCommand(id, overlapSeconds, null))) : (false, null);
            if (ok)
            {
                TempData[nameof(Created)] = JsonSerializer.Serialize(rolled);
                TempData[nameof(RolledFrom)] = token!.Name;
                return RedirectToPage(new { workspace = Workspace });
            }
        }

        await LoadTokensAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPolicyAsync(int maxDays)
    {
        if (await SelectWorkspaceAsync())
        {
            if (Policies.All(p => p.Days != maxDays))
            {
                Error = "Choose one of the offered limits.";
            }
            else if ((await TryAsync(() => Mediator.Send(new UpdateWorkspaceCommand(Workspace!, null, null, true, maxDays == 0 ? null : maxDays * 86400L)))).Ok)
            {
                TempData[nameof(PolicySaved)] = maxDays == 0 ? "Tokens may now live without a limit." : $"Tokens in this workspace now expire within {Akua.Domain.Workspaces.Workspace.DescribeLifetime(maxDays * 86400L)}.";
                return RedirectToPage(new { workspace = Workspace });
            }
        }

        await LoadTokensAsync();
        return Page();
    }

    /// <summary>The workspaces the user administers; the selected one becomes the request's workspace scope.</summary>
    private async Task<bool> SelectWorkspaceAsync()
    {
        var (_, page) = await TryAsync(() => Mediator.Send(new ListWorkspacesQuery(new PageRequest(PageRequest.MaxLimit, null))));
        Workspaces = page?.Data.Where(w => w.Role >= WorkspaceRole.Admin).ToList() ?? [];
        Selected = Workspaces.FirstOrDefault(w => w.Id == Workspace) ?? Workspaces.FirstOrDefault();
        Workspace = Selected?.Id;
        HttpCurrentPrincipal.SelectWorkspace(HttpContext, Workspace);
        return Workspace is not null;
    }

    private async Task LoadTokensAsync()
    {
        if (Workspace is not null)
        {
            var error = Error;
            var (_, page) = await TryAsync(() => Mediator.Send(new ListApiTokensQuery(new PageRequest(PageRequest.MaxLimit, null))));
            Tokens = page?.Data ?? [];
            if (Tokens.Count > 0)
            {
                var (_, usage) = await TryAsync(() => Mediator.Send(new GetApiTokenUsageQuery([.. Tokens.Select(t => t.Id)])));
                Usage = usage?.ToDictionary(u => u.TokenId) ?? [];
            }

            Error ??= error;
        }
    }
}
