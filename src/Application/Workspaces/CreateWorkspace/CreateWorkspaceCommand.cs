namespace Akua.Application.Workspaces.CreateWorkspace;

/// <summary>Creates a workspace that the calling user owns.</summary>
public sealed record CreateWorkspaceCommand(string Name, string? Slug) : ICommand<WorkspaceResponse>, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.AllowedWithWorkspaceWrite;
}

internal sealed class CreateWorkspaceHandler(IApplicationDbContext db, IAuditTrail audit, ICurrentPrincipal principal, IMapper mapper, TimeProvider clock)
    : ICommandHandler<CreateWorkspaceCommand, WorkspaceResponse>
{
    public async ValueTask<WorkspaceResponse> Handle(CreateWorkspaceCommand command, CancellationToken cancellationToken)
    {
        var owner = principal.RequireUser();
        var slug = command.Slug ?? await db.FreeSlugAsync(command.Name, cancellationToken);
        var workspace = Workspace.Create(command.Name, slug, owner, clock);
        db.Workspaces.Add(workspace);
        audit.Record(AuditActions.WorkspaceCreated, AuditTarget.Of("workspace", workspace.Id), workspace.Id, details: new() { ["name"] = workspace.Name, ["slug"] = workspace.Slug });
        return mapper.Map<Workspace, WorkspaceResponse>(workspace, WorkspaceResponse.RoleParameter, WorkspaceRole.Owner);
    }
}
