using System.Text.Json;
using Akua.Application.ApiTokens;
using Akua.Application.ApiTokens.CreateApiToken;
using Akua.Application.ApiTokens.GetApiToken;
using Akua.Application.ApiTokens.ListApiTokens;
using Akua.Application.ApiTokens.RevokeApiToken;
using Akua.Application.Common.Paging;
using Akua.Application.Workspaces;
using Akua.Application.Workspaces.ListWorkspaces;
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
        if (await SelectWorkspaceAsync() && Revoke is not null)
        {
            (_, Confirm) = await TryAsync(() => Mediator.Send(new GetApiTokenQuery(Revoke)));
        }

        await LoadTokensAsync();
    }

    /// <summary>The longest expiry the form offers a choice up to; the API takes any future time.</summary>
    public const int MaxExpiryDays = 3650;

    public async Task<IActionResult> OnPostCreateAsync(string name, int expiresInDays, WorkspaceRole role)
    {
        if (!ModelState.IsValid || expiresInDays is < 0 or > MaxExpiryDays)
        {
            // A value the form never offers (a hand-made post, an old page): say so; never a 500, and never a
            // token that does not expire because a number did not parse.
            Error = $"Choose when the token expires: in 1 to {MaxExpiryDays:N0} days, or never; and a role of admin or member.";
            await SelectWorkspaceAsync();
            await LoadTokensAsync();
            return Page();
        }

        if (await SelectWorkspaceAsync())
        {
            long? expiresAt = expiresInDays > 0 ? clock.GetUtcNow().AddDays(expiresInDays).ToUnixTimeSeconds() : null;
            var (ok, created) = await TryAsync(() => Mediator.Send(new CreateApiTokenCommand(name, expiresAt, role)));
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

    /// <summary>The workspaces the user administers; the selected one becomes the request's workspace scope.</summary>
    private async Task<bool> SelectWorkspaceAsync()
    {
        var (_, page) = await TryAsync(() => Mediator.Send(new ListWorkspacesQuery(new PageRequest(PageRequest.MaxLimit, null))));
        Workspaces = page?.Data.Where(w => w.Role >= WorkspaceRole.Admin).ToList() ?? [];
        Workspace = Workspaces.FirstOrDefault(w => w.Id == Workspace)?.Id ?? Workspaces.FirstOrDefault()?.Id;
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
            Error ??= error;
        }
    }
}
