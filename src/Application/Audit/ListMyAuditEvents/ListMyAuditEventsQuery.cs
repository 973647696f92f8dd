namespace Akua.Application.Audit.ListMyAuditEvents;

/// <summary>
/// The caller's own account events, newest first: sign-ins (and failed ones), sessions, device logins, grants,
/// and what the caller did in any workspace. A user's credential only: a workspace API token has no account.
/// </summary>
public sealed record ListMyAuditEventsQuery(PageRequest Page, AuditFilter Filter) : IQuery<Page<AuditEventResponse>>, IPagedQuery, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class ListMyAuditEventsHandler(IApplicationDbContext db, ICurrentPrincipal principal, IMapper mapper)
    : IQueryHandler<ListMyAuditEventsQuery, Page<AuditEventResponse>>
{
    public async ValueTask<Page<AuditEventResponse>> Handle(ListMyAuditEventsQuery query, CancellationToken cancellationToken)
    {
        var user = principal.RequireUser();
        return await query.Filter.Apply(db.AuditEvents.AsNoTracking().Where(e => e.UserId == user))
            .ToPageAsync(query.Page, e => e.CreatedAt, e => e.Id, mapper.Map<AuditEventResponse>, cancellationToken);
    }
}

internal sealed class ListMyAuditEventsValidator : AbstractValidator<ListMyAuditEventsQuery>
{
    public ListMyAuditEventsValidator() => RuleFor(q => q.Filter).SetValidator(new AuditFilterValidator());
}
