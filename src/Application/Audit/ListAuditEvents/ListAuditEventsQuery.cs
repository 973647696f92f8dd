namespace Akua.Application.Audit.ListAuditEvents;

/// <summary>The workspace's audit log, newest first: owners and admins only.</summary>
public sealed record ListAuditEventsQuery(PageRequest Page, AuditFilter Filter) : IQuery<Page<AuditEventResponse>>, IPagedQuery, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.AuditRead;
}

internal sealed class ListAuditEventsHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper)
    : IQueryHandler<ListAuditEventsQuery, Page<AuditEventResponse>>
{
    public async ValueTask<Page<AuditEventResponse>> Handle(ListAuditEventsQuery query, CancellationToken cancellationToken) =>
        await query.Filter.Apply(db.AuditEvents.AsNoTracking().Where(e => e.WorkspaceId == workspace.Id))
            .ToPageAsync(query.Page, e => e.CreatedAt, e => e.Id, mapper.Map<AuditEventResponse>, cancellationToken);
}

internal sealed class ListAuditEventsValidator : AbstractValidator<ListAuditEventsQuery>
{
    public ListAuditEventsValidator() => RuleFor(q => q.Filter).SetValidator(new AuditFilterValidator());
}
