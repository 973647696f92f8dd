using Akua.Application.Common;
using Akua.Application.Members;

namespace Akua.Application.Invitations.RevokeInvitation;

/// <summary>Withdraws an open invitation of the current workspace; only an owner withdraws an owner's invitation.</summary>
public sealed record RevokeInvitationCommand(string Id) : ICommand, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.MembersWrite;
}

internal sealed class RevokeInvitationHandler(IApplicationDbContext db, IAuditTrail audit, WorkspaceScope workspace, TimeProvider clock)
    : ICommandHandler<RevokeInvitationCommand>
{
    public async ValueTask<Unit> Handle(RevokeInvitationCommand command, CancellationToken cancellationToken)
    {
        const string notFound = "Invitation not found.";
        var id = Ids.ParseOrNotFound<InvitationId>(command.Id, notFound);
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == id && i.WorkspaceId == workspace.Id, cancellationToken)
            ?? throw DomainException.NotFound(notFound);
        Workspace.EnsureMayManage(workspace.Role, invitation.Role);
        invitation.Revoke(clock);
        audit.Record(AuditActions.InvitationRevoked, AuditTarget.Of("invitation", invitation.Id), workspace.Id);
        return Unit.Value;
    }
}
