namespace Akua.Application.Members.ChangeMemberRole;

/// <summary>
/// Changes a member's role; the last owner can never be demoted (409). Every node forgets the old role through the
/// revocation feed, and the request answers once none can still authorize by it.
/// </summary>
public sealed record ChangeMemberRoleCommand(string UserId, WorkspaceRole Role) : ICommand<MemberResponse>, IWorkspaceRequest, IRevokesCredentials
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.MembersWrite;
}

internal sealed class ChangeMemberRoleHandler(IApplicationDbContext db, IAuditTrail audit, WorkspaceScope workspace, IMapper mapper, TimeProvider clock)
    : ICommandHandler<ChangeMemberRoleCommand, MemberResponse>
{
    public async ValueTask<MemberResponse> Handle(ChangeMemberRoleCommand command, CancellationToken cancellationToken)
    {
        var userId = MemberRules.ParseUserId(command.UserId);
        var aggregate = await db.LoadAggregateAsync(workspace, cancellationToken);
        var before = aggregate.RoleOf(userId);
        if (aggregate.ChangeMemberRole(userId, command.Role, workspace.Role, clock) is { } revocation)
        {
            db.Revocations.Add(revocation);
        }

        audit.Record(AuditActions.MemberRoleChanged, AuditTarget.Of("user", userId), workspace.Id,
            details: new() { ["from"] = before?.ToString().ToLowerInvariant(), ["to"] = command.Role.ToString().ToLowerInvariant() });
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        return mapper.Map<Membership, MemberResponse>(aggregate.Memberships.Single(m => m.UserId == userId), MemberResponse.UserParameter, user);
    }
}
