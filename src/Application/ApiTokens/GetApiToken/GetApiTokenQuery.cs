using Akua.Application.Common;

namespace Akua.Application.ApiTokens.GetApiToken;

public sealed record GetApiTokenQuery(string Id) : IQuery<ApiTokenResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Member;
    public static Permission Permission => Permission.ApiTokensRead;
}

internal sealed class GetApiTokenHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper)
    : IQueryHandler<GetApiTokenQuery, ApiTokenResponse>
{
    public async ValueTask<ApiTokenResponse> Handle(GetApiTokenQuery query, CancellationToken cancellationToken)
    {
        // Another workspace's token, or an id of the wrong shape, is simply not found.
        const string notFound = "API token not found.";
        var id = Ids.ParseOrNotFound<ApiTokenId>(query.Id, notFound);
        var token = await db.ApiTokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Id == id && t.WorkspaceId == workspace.Id, cancellationToken) ?? throw DomainException.NotFound(notFound);
        return mapper.Map<ApiTokenResponse>(token);
    }
}
