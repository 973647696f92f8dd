namespace Akua.Application.Installs;

public sealed record InstallResponse(string Id, string WorkspaceId, string Name, string Product, long CreatedAt);
