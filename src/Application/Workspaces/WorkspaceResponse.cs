using Mapster;

namespace Akua.Application.Workspaces;

/// <summary>A workspace as the caller sees it: <see cref="Role"/> is the caller's role there.</summary>
/// <param name="MaxTokenLifetime">The longest an API token may live, in seconds; null for no limit.</param>
public sealed record WorkspaceResponse(string Id, string Name, string Slug, WorkspaceRole Role, long CreatedAt, long UpdatedAt, long? MaxTokenLifetime)
{
    /// <summary>The runtime parameter that carries the caller's role.</summary>
    public const string RoleParameter = "role";
}

internal sealed class WorkspaceMapping : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<Workspace, WorkspaceResponse>()
        .Map(d => d.Role, _ => MapperExtensions.Given<WorkspaceRole>(WorkspaceResponse.RoleParameter))
        .Map(d => d.MaxTokenLifetime, s => s.MaxTokenLifetimeSeconds);
}
