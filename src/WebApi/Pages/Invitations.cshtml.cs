using Akua.Application.Invitations;
using Akua.Application.Invitations.DecideInvitation;
using Akua.Application.Invitations.ListMyInvitations;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Akua.WebApi.Pages;

/// <summary>Your invitations: the same use cases as <c>/v1/user/invitations</c>, for people.</summary>
public sealed class InvitationsModel(IMediator mediator) : AkuaPage(mediator)
{
    /// <summary>An email invitation's code, from the link the inviter sent (<c>/invitations?code=...</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "code")]
    public string? Code { get; set; }

    public IReadOnlyList<MyInvitationResponse> Invitations { get; private set; } = [];

    public string? Message { get; private set; }

    public Task OnGetAsync()
    {
        Message = TempData[nameof(Message)] as string;
        return LoadAsync();
    }

    public Task<IActionResult> OnPostAcceptAsync(string id) => DecideAsync(id, accept: true);

    public Task<IActionResult> OnPostDeclineAsync(string id) => DecideAsync(id, accept: false);

    private async Task<IActionResult> DecideAsync(string id, bool accept)
    {
        var (ok, workspace) = await TryAsync(async () => await Mediator.Send(new DecideInvitationCommand(id ?? string.Empty, accept, Code)));
        if (ok)
        {
            TempData[nameof(Message)] = accept ? $"You joined “{workspace!.Name}” as {workspace.Role.ToString().ToLowerInvariant()}." : "The invitation was declined.";
            return RedirectToPage(new { code = (string?)null });
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var (_, mine) = await TryAsync(() => Mediator.Send(new ListMyInvitationsQuery()));
        Invitations = mine?.Data ?? [];
    }
}
