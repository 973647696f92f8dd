namespace Akua.Application.Installs.GetInstall;

public sealed record GetInstallQuery(string Id) : IQuery<InstallResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Member;
    public static Permission Permission => Permission.InstallsRead;
}

internal sealed class GetInstallHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper)
    : IQueryHandler<GetInstallQuery, InstallResponse>
{
    public async ValueTask<InstallResponse> Handle(GetInstallQuery query, CancellationToken cancellationToken) =>
        mapper.Map<InstallResponse>(await db.FindInstallAsync(query.Id, workspace, tracked: false, cancellationToken));
}
