namespace Akua.Application.Workspaces.UpdateWorkspace;

/// <summary>
/// Renames a workspace or sets its token lifetime policy (PATCH: absent fields stay as they are). The policy is
/// an owner's decision; <paramref name="SetsMaxTokenLifetime"/> tells a null limit ("no limit") from an absent one.
/// </summary>
public sealed record UpdateWorkspaceCommand(string WorkspaceId, string? Name, string? Slug, bool SetsMaxTokenLifetime = false, long? MaxTokenLifetime = null)
    : ICommand<WorkspaceResponse>, IWorkspaceRequest, ITargetsWorkspace
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.WorkspaceWrite;
}

internal sealed class UpdateWorkspaceHandler(IApplicationDbContext db, IAuditTrail audit, WorkspaceScope workspace, IMapper mapper, TimeProvider clock)
    : ICommandHandler<UpdateWorkspaceCommand, WorkspaceResponse>
{
    public async ValueTask<WorkspaceResponse> Handle(UpdateWorkspaceCommand command, CancellationToken cancellationToken)
    {
        var found = await db.Workspaces.SingleAsync(w => w.Id == workspace.Id, cancellationToken);
        if (command.Name is not null || command.Slug is not null)
        {
            var before = (found.Name, found.Slug);
            found.Rename(command.Name ?? found.Name, command.Slug, clock);
            audit.Record(AuditActions.WorkspaceUpdated, AuditTarget.Of("workspace", found.Id), found.Id, details: new()
            {
                ["name"] = found.Name, ["slug"] = found.Slug, ["previous_name"] = before.Name, ["previous_slug"] = before.Slug,
            });
        }

        if (command.SetsMaxTokenLifetime)
        {
            var before = found.MaxTokenLifetimeSeconds;
            found.SetMaxTokenLifetime(command.MaxTokenLifetime, workspace.Role, clock);
            audit.Record(AuditActions.WorkspacePolicyChanged, AuditTarget.Of("workspace", found.Id), found.Id, details: new()
            {
                ["max_token_lifetime"] = Seconds(found.MaxTokenLifetimeSeconds), ["previous_max_token_lifetime"] = Seconds(before),
            });
        }

        return mapper.Map<Workspace, WorkspaceResponse>(found, WorkspaceResponse.RoleParameter, workspace.Role);
    }

    private static string? Seconds(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
