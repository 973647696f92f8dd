namespace Akua.Application.Installs.ListInstalls;

public sealed record ListInstallsQuery(PageRequest Page) : IQuery<Page<InstallResponse>>, IPagedQuery, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Member;
    public static Permission Permission => Permission.InstallsRead;
}

internal sealed class ListInstallsHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper)
    : IQueryHandler<ListInstallsQuery, Page<InstallResponse>>
{
    public async ValueTask<Page<InstallResponse>> Handle(ListInstallsQuery query, CancellationToken cancellationToken) =>
        await db.Installs.AsNoTracking().Where(i => i.WorkspaceId == workspace.Id)
            .ToPageAsync(query.Page, i => i.CreatedAt, i => i.Id, mapper.Map<InstallResponse>, cancellationToken);
}
