namespace Akua.Application.OAuthClients.ListOAuthClients;

public sealed record ListOAuthClientsQuery(PageRequest Page) : IQuery<Page<OAuthClientResponse>>, IPagedQuery, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Member;
    public static Permission Permission => Permission.OAuthClientsRead;
}

internal sealed class ListOAuthClientsHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper)
    : IQueryHandler<ListOAuthClientsQuery, Page<OAuthClientResponse>>
{
    public async ValueTask<Page<OAuthClientResponse>> Handle(ListOAuthClientsQuery query, CancellationToken cancellationToken) =>
        await db.OAuthClients.AsNoTracking().Where(c => c.WorkspaceId == workspace.Id)
            .ToPageAsync(query.Page, c => c.CreatedAt, c => c.Id, mapper.Map<OAuthClientResponse>, cancellationToken);
}
