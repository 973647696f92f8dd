namespace Akua.Application.Members.ChangeMemberRole;

/// <summary>Changes a member's role; the last owner can never be demoted (409).</summary>
public sealed record ChangeMemberRoleCommand(string UserId, WorkspaceRole Role) : ICommand<MemberResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class ChangeMemberRoleHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper, TimeProvider clock)
    : ICommandHandler<ChangeMemberRoleCommand, MemberResponse>
{
    public async ValueTask<MemberResponse> Handle(ChangeMemberRoleCommand command, CancellationToken cancellationToken)
    {
        var userId = MemberRules.ParseUserId(command.UserId);
        var aggregate = await db.LoadAggregateAsync(workspace, cancellationToken);
        aggregate.ChangeMemberRole(userId, command.Role, workspace.Role, clock);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        return mapper.Map<Membership, MemberResponse>(aggregate.Memberships.Single(m => m.UserId == userId), MemberResponse.UserParameter, user);
    }
}
