namespace Akua.Application.Workspaces.GetWorkspace;

/// <summary>A workspace by id; one the caller is not in does not exist for it (404).</summary>
public sealed record GetWorkspaceQuery(string WorkspaceId) : IQuery<WorkspaceResponse>, IWorkspaceRequest, ITargetsWorkspace
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Member;
    public static Permission Permission => Permission.WorkspaceRead;
}

internal sealed class GetWorkspaceHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper)
    : IQueryHandler<GetWorkspaceQuery, WorkspaceResponse>
{
    public async ValueTask<WorkspaceResponse> Handle(GetWorkspaceQuery query, CancellationToken cancellationToken)
    {
        var found = await db.Workspaces.AsNoTracking().SingleAsync(w => w.Id == workspace.Id, cancellationToken);
        return mapper.Map<Workspace, WorkspaceResponse>(found, WorkspaceResponse.RoleParameter, workspace.Role);
    }
}
