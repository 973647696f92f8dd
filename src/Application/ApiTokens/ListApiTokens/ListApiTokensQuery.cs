namespace Akua.Application.ApiTokens.ListApiTokens;

public sealed record ListApiTokensQuery(PageRequest Page) : IQuery<Page<ApiTokenResponse>>, IPagedQuery, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Member;
    public static Permission Permission => Permission.ApiTokensRead;
}

internal sealed class ListApiTokensHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper)
    : IQueryHandler<ListApiTokensQuery, Page<ApiTokenResponse>>
{
    public async ValueTask<Page<ApiTokenResponse>> Handle(ListApiTokensQuery query, CancellationToken cancellationToken) =>
        await db.ApiTokens.Where(t => t.WorkspaceId == workspace.Id)
            .ToPageAsync(query.Page, t => t.CreatedAt, t => t.Id, mapper.Map<ApiTokenResponse>, cancellationToken);
}
