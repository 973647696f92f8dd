namespace Akua.Application.Invitations.ListMyInvitations;

/// <summary>The caller's open invitations (to their email or their user id), newest first, at most 100.</summary>
public sealed record ListMyInvitationsQuery : IQuery<MyInvitations>, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class ListMyInvitationsHandler(IApplicationDbContext db, ICurrentPrincipal principal, IMapper mapper, TimeProvider clock)
    : IQueryHandler<ListMyInvitationsQuery, MyInvitations>
{
    public async ValueTask<MyInvitations> Handle(ListMyInvitationsQuery query, CancellationToken cancellationToken)
    {
        var user = principal.RequireUser();
        var email = await db.Users.Where(u => u.Id == user).Select(u => u.NormalizedEmail).SingleAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var open = await db.Invitations.AsNoTracking()
            .Where(i => (i.UserId == user || i.NormalizedEmail == email) && i.Status == InvitationStatus.Pending && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt)
            .Take(100)
            .Join(db.Workspaces, i => i.WorkspaceId, w => w.Id, (i, w) => new { Invitation = i, Workspace = w })
            .ToListAsync(cancellationToken);
        return new MyInvitations([.. open.OrderByDescending(o => o.Invitation.CreatedAt).Select(o => mapper.Map<Invitation, MyInvitationResponse>(
            o.Invitation, MyInvitationResponse.WorkspaceParameter, o.Workspace))]);
    }
}
