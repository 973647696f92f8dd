namespace Akua.Application.Invitations.ListInvitations;

/// <summary>The workspace's open invitations (pending, not expired), newest first.</summary>
public sealed record ListInvitationsQuery(PageRequest Page) : IQuery<Page<InvitationResponse>>, IPagedQuery, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Member;
    public static Permission Permission => Permission.MembersRead;
}

internal sealed class ListInvitationsHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper, TimeProvider clock)
    : IQueryHandler<ListInvitationsQuery, Page<InvitationResponse>>
{
    public async ValueTask<Page<InvitationResponse>> Handle(ListInvitationsQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await db.Invitations.AsNoTracking()
            .Where(i => i.WorkspaceId == workspace.Id && i.Status == InvitationStatus.Pending && i.ExpiresAt > now)
            .ToPageAsync(query.Page, i => i.CreatedAt, i => i.Id, mapper.Map<InvitationResponse>, cancellationToken);
    }
}
