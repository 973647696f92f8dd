using Akua.Application.Common;
using Akua.Application.Members;
using Akua.Domain.Users;

namespace Akua.Application.Invitations.InviteMember;

/// <summary>
/// Invites an email (or a user id) to the current workspace with a role. Nobody is added until they accept,
/// and the answer is the same whether or not an account exists: no one learns who has an account here. An
/// email invitation is accepted with a code (in the answer, once, as a link the inviter sends): emails are not
/// verified, so the address alone proves nothing.
/// </summary>
public sealed record InviteMemberCommand(string? Email, string? UserId, WorkspaceRole Role) : ICommand<InvitationResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.MembersWrite;
}

internal sealed class InviteMemberHandler(IApplicationDbContext db, IAuditTrail audit, WorkspaceScope workspace, ICurrentPrincipal principal, ISecrets secrets, IIssuer issuer, IMapper mapper, TimeProvider clock)
    : ICommandHandler<InviteMemberCommand, InvitationResponse>
{
    /// <summary>Open invitations a workspace may have at once: enough for a team, too few to spam with.</summary>
    public const int MaxOpen = 100;

    public async ValueTask<InvitationResponse> Handle(InviteMemberCommand command, CancellationToken cancellationToken)
    {
        Workspace.EnsureMayGrant(workspace.Role, command.Role);
        var inviter = principal.RequireCredential();
        var invitedBy = inviter.UserId?.ToString() ?? inviter.Id; // a person, or the workspace API token that asked
        var now = clock.GetUtcNow();
        if (await db.Invitations.CountAsync(i => i.WorkspaceId == workspace.Id && i.Status == InvitationStatus.Pending && i.ExpiresAt > now, cancellationToken) >= MaxOpen)
        {
            throw DomainException.Conflict($"This workspace has {MaxOpen} open invitations: revoke some before sending more.");
        }

        Invitation invitation;
        NewSecret? code = null;
        if (command.UserId is not null)
        {
            // A well-formed id (the validator saw to it) that names no one still gets an invitation, which no one will ever see.
            if (!EntityId.TryParse<UserId>(command.UserId, out var user))
            {
                throw DomainException.Invalid("This is not a user id (usr_...).");
            }

            // Who is a member is no secret to the workspace's admins (they list members).
            if (await db.Memberships.AnyAsync(m => m.WorkspaceId == workspace.Id && m.UserId == user, cancellationToken))
            {
                throw DomainException.Conflict("This user is already a member of the workspace.");
            }

            if (await db.Invitations.AnyAsync(i => i.WorkspaceId == workspace.Id && i.UserId == user && i.Status == InvitationStatus.Pending && i.ExpiresAt > now, cancellationToken))
            {
                throw DomainException.Conflict("This user already has a pending invitation to the workspace.");
            }

            invitation = Invitation.ToUser(workspace.Id, user, command.Role, invitedBy, clock);
        }
        else
        {
            var email = User.NormalizeEmail(command.Email!);
            var isMember = await db.Memberships.Where(m => m.WorkspaceId == workspace.Id)
                .Join(db.Users, m => m.UserId, u => u.Id, (_, u) => u.NormalizedEmail)
                .AnyAsync(e => e == email, cancellationToken);
            if (isMember)
            {
                throw DomainException.Conflict("Someone with this email is already a member of the workspace.");
            }

            if (await db.Invitations.AnyAsync(i => i.WorkspaceId == workspace.Id && i.NormalizedEmail == email && i.Status == InvitationStatus.Pending && i.ExpiresAt > now, cancellationToken))
            {
                throw DomainException.Conflict("This email already has a pending invitation to the workspace.");
            }

            code = secrets.NewInvitationCode();
            invitation = Invitation.ToEmail(workspace.Id, command.Email!, code.Value.Hash, command.Role, invitedBy, clock);
        }

        db.Invitations.Add(invitation);
        audit.Record(AuditActions.MemberInvited, AuditTarget.Of("invitation", invitation.Id), workspace.Id,
            details: new() { ["role"] = command.Role.ToString().ToLowerInvariant(), ["user_id"] = command.UserId, ["email"] = command.Email });
        var answer = mapper.Map<InvitationResponse>(invitation);
        return code is { } shown
            ? answer with { Code = shown.Value, AcceptUrl = $"{issuer.Issuer}/invitations?code={shown.Value}" }
            : answer;
    }
}
