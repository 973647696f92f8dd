namespace Akua.Application.Members.RemoveMember;

/// <summary>
/// Removes a member; the last owner can never be removed (409). Every node forgets the membership through the
/// revocation feed, and the request answers once none can still authorize by it.
/// </summary>
public sealed record RemoveMemberCommand(string UserId) : ICommand, IWorkspaceRequest, IRevokesCredentials
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
        var (removed, revocation) = aggregate.RemoveMember(userId, workspace.Role, clock);
        db.Revocations.Add(revocation);
        audit.Record(AuditActions.MemberRemoved, AuditTarget.Of("user", userId), workspace.Id,
            details: new() { ["role"] = removed.Role.ToString().ToLowerInvariant() });
        return Unit.Value;
    }
}
