namespace Akua.Application.Workspaces.UpdateWorkspace;

/// <summary>Renames a workspace (PATCH: absent fields stay as they are).</summary>
public sealed record UpdateWorkspaceCommand(string WorkspaceId, string? Name, string? Slug)
    : ICommand<WorkspaceResponse>, IWorkspaceRequest, ITargetsWorkspace
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static IntegrationAccess Integrations => IntegrationAccess.Allowed;
}

internal sealed class UpdateWorkspaceHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper, TimeProvider clock)
    : ICommandHandler<UpdateWorkspaceCommand, WorkspaceResponse>
{
    public async ValueTask<WorkspaceResponse> Handle(UpdateWorkspaceCommand command, CancellationToken cancellationToken)
    {
        var found = await db.Workspaces.SingleAsync(w => w.Id == workspace.Id, cancellationToken);
        found.Rename(command.Name ?? found.Name, command.Slug, clock);
        return mapper.Map<Workspace, WorkspaceResponse>(found, WorkspaceResponse.RoleParameter, workspace.Role);
    }
}
