namespace Akua.Application.Workspaces.ListWorkspaces;

/// <summary>The caller's workspaces; a workspace API token sees only its own.</summary>
public sealed record ListWorkspacesQuery(PageRequest Page) : IQuery<Page<WorkspaceResponse>>, IPagedQuery, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Allowed;
}

internal sealed class ListWorkspacesHandler(IApplicationDbContext db, ICurrentPrincipal principal, IMapper mapper)
    : IQueryHandler<ListWorkspacesQuery, Page<WorkspaceResponse>>
{
    public async ValueTask<Page<WorkspaceResponse>> Handle(ListWorkspacesQuery query, CancellationToken cancellationToken)
    {
        var credential = principal.RequireCredential();
        if (credential.WorkspaceId is { } bound)
        {
            var own = await db.Workspaces.AsNoTracking().SingleAsync(w => w.Id == bound, cancellationToken);
            return new Page<WorkspaceResponse>(query.Page.After is null ? [mapper.Map<Workspace, WorkspaceResponse>(own, WorkspaceResponse.RoleParameter, credential.TokenRole!.Value)] : [], false, null);
        }

        var user = principal.RequireUser();
        return await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == user)
            .Join(db.Workspaces, m => m.WorkspaceId, w => w.Id, (m, w) => new { Membership = m, Workspace = w })
            .ToPageAsync(query.Page, x => x.Membership.CreatedAt, x => x.Membership.Id,
                x => mapper.Map<Workspace, WorkspaceResponse>(x.Workspace, WorkspaceResponse.RoleParameter, x.Membership.Role), cancellationToken);
    }
}
