using Akua.Domain.Sessions;

namespace Akua.Application.Sessions.ListSessions;

/// <summary>The calling user's sessions, newest first.</summary>
public sealed record ListSessionsQuery(PageRequest Page) : IQuery<Page<SessionResponse>>, IPagedQuery, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class ListSessionsHandler(IApplicationDbContext db, ICurrentPrincipal principal, IMapper mapper)
    : IQueryHandler<ListSessionsQuery, Page<SessionResponse>>
{
    public async ValueTask<Page<SessionResponse>> Handle(ListSessionsQuery query, CancellationToken cancellationToken)
    {
        var user = principal.RequireUser();
        var current = principal.Credential!.Kind == CredentialKind.Session ? principal.Credential.Id : null;
        return await db.Sessions.AsNoTracking().Where(s => s.UserId == user)
            .ToPageAsync(query.Page, s => s.CreatedAt, s => s.Id, s => mapper.Map<Session, SessionResponse>(s, SessionResponse.CurrentParameter, current), cancellationToken);
    }
}
