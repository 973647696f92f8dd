using Akua.Application.Common.Paging;
using Akua.Application.Sessions;
using Akua.Application.Sessions.ListSessions;
using Akua.Application.Sessions.RevokeOtherSessions;
using Akua.Application.Sessions.RevokeSession;
using Mediator;

namespace Akua.WebApi.Pages.Settings;

public sealed class SessionsModel(IMediator mediator) : AkuaPage(mediator)
{
    public IReadOnlyList<SessionResponse> Sessions { get; private set; } = [];

    public string? Message { get; private set; }

    public Task OnGetAsync() => LoadAsync();

    public async Task OnPostEndAsync(string id)
    {
        if ((await TryAsync(async () => await Mediator.Send(new RevokeSessionCommand(id)))).Ok)
        {
            Message = "The session was ended.";
        }

        await LoadAsync();
    }

    public async Task OnPostEndOthersAsync()
    {
        if ((await TryAsync(async () => await Mediator.Send(new RevokeOtherSessionsCommand()))).Ok)
        {
            Message = "Every other session was ended.";
        }

        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var (_, page) = await TryAsync(() => Mediator.Send(new ListSessionsQuery(new PageRequest(PageRequest.MaxLimit, null))));
        Sessions = page?.Data ?? [];
    }
}
