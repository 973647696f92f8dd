using Akua.Application.Audit;
using Akua.Application.Audit.ListAuditEvents;
using Akua.Application.Audit.ListMyAuditEvents;
using Akua.Application.Common.Paging;
using Akua.Application.Workspaces;
using Akua.Application.Workspaces.ListWorkspaces;
using Akua.Domain.Workspaces;
using Akua.WebApi.Authentication;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Akua.WebApi.Pages.Settings;

/// <summary>"Settings &gt; Audit log": a workspace's log (owners and admins) or the user's own account events.</summary>
public sealed class AuditModel(IMediator mediator) : AkuaPage(mediator)
{
    public const int PageSize = 50;

    /// <summary>The families the filter offers (the API takes any action or family).</summary>
    public static readonly (string Value, string Label)[] Families =
    [
        ("", "everything"), ("api_token.", "API tokens"), ("member.", "members"), ("oauth_client.", "OAuth clients"),
        ("oauth_grant.", "OAuth grants"), ("workspace.", "the workspace"), ("user.", "sign-ins"), ("session.", "sessions"), ("device_login.", "device logins"),
    ];

    [BindProperty(SupportsGet = true)]
    public string? Workspace { get; set; }

    /// <summary>Show the user's own account events rather than a workspace's.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public IReadOnlyList<WorkspaceResponse> Workspaces { get; private set; } = [];

    public IReadOnlyList<AuditEventResponse> Events { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public async Task OnGetAsync()
    {
        Action = Families.Any(f => f.Value == Action) ? Action : ""; // anything else: everything
        var (_, workspaces) = await TryAsync(() => Mediator.Send(new ListWorkspacesQuery(new PageRequest(PageRequest.MaxLimit, null))));
        Workspaces = workspaces?.Data.Where(w => w.Role >= WorkspaceRole.Admin).ToList() ?? [];
        Workspace = Workspaces.FirstOrDefault(w => w.Id == Workspace)?.Id ?? Workspaces.FirstOrDefault()?.Id;
        Mine |= Workspace is null;

        var filter = new AuditFilter(string.IsNullOrEmpty(Action) ? null : Action);
        var page = new PageRequest(PageSize, string.IsNullOrEmpty(Cursor) ? null : Cursor);
        Page<AuditEventResponse>? events;
        if (Mine)
        {
            (_, events) = await TryAsync(() => Mediator.Send(new ListMyAuditEventsQuery(page, filter)));
        }
        else
        {
            HttpCurrentPrincipal.SelectWorkspace(HttpContext, Workspace);
            (_, events) = await TryAsync(() => Mediator.Send(new ListAuditEventsQuery(page, filter)));
        }

        Events = events?.Data ?? [];
        NextCursor = events?.NextCursor;
    }

    /// <summary>Who acted, in a few words.</summary>
    public static string Actor(AuditActorResponse actor) => actor.Kind switch
    {
        "api_token" => $"token {actor.TokenPrefix}…",
        "user" when actor.ClientId is not null => $"{actor.Id} via {actor.ClientId}",
        "user" => actor.Id ?? "a user",
        "system" => actor.Id ?? "the system",
        _ => actor.ClientId is { } client ? "client " + client : "anonymous",
    };
}
