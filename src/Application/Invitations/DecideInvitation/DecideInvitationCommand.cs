using Akua.Application.Common;
using Akua.Application.Workspaces;

namespace Akua.Application.Invitations.DecideInvitation;

/// <summary>
/// The invited person accepts (becoming a member with the invitation's role, in the same transaction) or
/// declines. Someone else's invitation does not exist for the caller (404); an email invitation also needs
/// its code (<paramref name="Code"/>), which the inviter sent as a link.
/// </summary>
public sealed record DecideInvitationCommand(string Id, bool Accept, string? Code = null) : ICommand<WorkspaceResponse?>, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;

    public override string ToString() => $"DecideInvitationCommand {{ Id = {Id}, Accept = {Accept} }}";
}

internal sealed class DecideInvitationHandler(IApplicationDbContext db, IAuditTrail audit, ICurrentPrincipal principal, ISecrets secrets, IMapper mapper, TimeProvider clock)
    : ICommandHandler<DecideInvitationCommand, WorkspaceResponse?>
{
    public async ValueTask<WorkspaceResponse?> Handle(DecideInvitationCommand command, CancellationToken cancellationToken)
    {
        const string notFound = "Invitation not found.";
        var user = principal.RequireUser();
        var id = Ids.ParseOrNotFound<InvitationId>(command.Id, notFound);
        var email = await db.Users.Where(u => u.Id == user).Select(u => u.NormalizedEmail).SingleAsync(cancellationToken);
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (invitation is null || !invitation.IsFor(user, email))
        {
            throw DomainException.NotFound(notFound);
        }

        if (!invitation.Admits(string.IsNullOrEmpty(command.Code) || command.Code.Length > 100 ? null : secrets.Hash(command.Code)))
        {
            throw DomainException.Forbidden("This invitation was sent to an email address: open the link the inviter sent you (it carries the code).");
        }

        if (!command.Accept)
        {
            invitation.Decline(clock);
            audit.Record(AuditActions.InvitationDeclined, AuditTarget.Of("invitation", invitation.Id), invitation.WorkspaceId);
            return null;
        }

        if (!await InviterMayStillGrantAsync(invitation, cancellationToken))
        {
            throw DomainException.Conflict("Whoever invited you can no longer add members to this workspace. Ask for a new invitation.");
        }

        invitation.Accept(clock);
        var workspace = await db.Workspaces.Include(w => w.Memberships).SingleAsync(w => w.Id == invitation.WorkspaceId, cancellationToken);
        var role = workspace.RoleOf(user) ?? workspace.AddMember(user, invitation.Role, clock).Role; // already a member: nothing to add
        audit.Record(AuditActions.MemberJoined, AuditTarget.Of("user", user), workspace.Id,
            details: new() { ["role"] = role.ToString().ToLowerInvariant(), ["invitation"] = invitation.Id.ToString(), ["invited_by"] = invitation.InvitedBy });
        return mapper.Map<Workspace, WorkspaceResponse>(workspace, WorkspaceResponse.RoleParameter, role);
    }

    /// <summary>
    /// An invitation carries its inviter's authority, which may have ended since: an admin demoted or removed, an
    /// API token revoked or expired. Checked at the moment it would be used, like any other credential.
    /// </summary>
    private async Task<bool> InviterMayStillGrantAsync(Invitation invitation, CancellationToken cancellationToken)
    {
        var needed = invitation.Role == WorkspaceRole.Owner ? WorkspaceRole.Owner : WorkspaceRole.Admin;
        if (EntityId.TryParse<UserId>(invitation.InvitedBy, out var inviter))
        {
            var role = await db.Memberships.Where(m => m.WorkspaceId == invitation.WorkspaceId && m.UserId == inviter)
                .Select(m => (WorkspaceRole?)m.Role).SingleOrDefaultAsync(cancellationToken);
            return role >= needed;
        }

        if (EntityId.TryParse<ApiTokenId>(invitation.InvitedBy, out var token))
        {
            var now = clock.GetUtcNow();
            return needed == WorkspaceRole.Admin && await db.ApiTokens.AnyAsync(
                t => t.Id == token && t.WorkspaceId == invitation.WorkspaceId && t.Role == WorkspaceRole.Admin && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now),
                cancellationToken);
        }

        return false;
    }
}
