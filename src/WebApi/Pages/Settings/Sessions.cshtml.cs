using Akua.Application.Common.Paging;
using Akua.Application.Sessions;
using Akua.Application.Sessions.ListSessions;
using Akua.Application.Sessions.RevokeOtherSessions;
using Akua.Application.Sessions.RevokeSession;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Akua.WebApi.Pages.Settings;

public sealed class SessionsModel(IMediator mediator) : AkuaPage(mediator)
{
    public IReadOnlyList<SessionResponse> Sessions { get; private set; } = [];

    public string? Message { get; private set; }

    public Task OnGetAsync()
    {
        Message = TempData[nameof(Message)] as string;
        return LoadAsync();
    }

    public Task<IActionResult> OnPostEndAsync(string id) =>
        DoAsync(async () => await Mediator.Send(new RevokeSessionCommand(id)), "The session was ended.");

    public Task<IActionResult> OnPostEndOthersAsync() =>
        DoAsync(async () => await Mediator.Send(new RevokeOtherSessionsCommand()), "Every other session was ended.");

    private async Task<IActionResult> DoAsync(Func<ValueTask<Unit>> action, string done)
    {
        if ((await TryAsync(action)).Ok)
        {
            TempData[nameof(Message)] = done;
            return RedirectToPage();
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var (_, page) = await TryAsync(() => Mediator.Send(new ListSessionsQuery(new PageRequest(PageRequest.MaxLimit, null))));
        Sessions = page?.Data ?? [];
    }
}
