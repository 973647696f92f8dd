namespace Akua.Application.Members.RemoveMember;

/// <summary>Removes a member; the last owner can never be removed (409).</summary>
public sealed record RemoveMemberCommand(string UserId) : ICommand, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class RemoveMemberHandler(IApplicationDbContext db, WorkspaceScope workspace, TimeProvider clock)
    : ICommandHandler<RemoveMemberCommand>
{
    public async ValueTask<Unit> Handle(RemoveMemberCommand command, CancellationToken cancellationToken)
    {
        var userId = MemberRules.ParseUserId(command.UserId);
        var aggregate = await db.LoadAggregateAsync(workspace, cancellationToken);
        aggregate.RemoveMember(userId, workspace.Role, clock);
        return Unit.Value;
    }
}
