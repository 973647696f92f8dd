using Akua.Domain.Workspaces;

namespace Akua.Application.Workspaces;

/// <summary>A workspace as the caller sees it: <see cref="Role"/> is the caller's role there.</summary>
public sealed record WorkspaceResponse(string Id, string Name, string Slug, WorkspaceRole Role, long CreatedAt, long UpdatedAt)
{
    public static WorkspaceResponse From(Workspace workspace, WorkspaceRole role) => new(
        workspace.Id.ToString(), workspace.Name, workspace.Slug, role, workspace.CreatedAt.ToUnixTimeSeconds(), workspace.UpdatedAt.ToUnixTimeSeconds());
}
