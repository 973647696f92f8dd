namespace Akua.Application.Members.RemoveMember;

/// <summary>Removes a member; the last owner can never be removed (409).</summary>
public sealed record RemoveMemberCommand(string UserId) : ICommand, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.MembersWrite;
}

internal sealed class RemoveMemberHandler(IApplicationDbContext db, IAuditTrail audit, WorkspaceScope workspace, TimeProvider clock)
    : ICommandHandler<RemoveMemberCommand>
{
    public async ValueTask<Unit> Handle(RemoveMemberCommand command, CancellationToken cancellationToken)
    {
        var userId = MemberRules.ParseUserId(command.UserId);
        var aggregate = await db.LoadAggregateAsync(workspace, cancellationToken);
        var removed = aggregate.RemoveMember(userId, workspace.Role, clock);
        audit.Record(AuditActions.MemberRemoved, AuditTarget.Of("user", userId), workspace.Id,
            details: new() { ["role"] = removed.Role.ToString().ToLowerInvariant() });
        return Unit.Value;
    }
}
