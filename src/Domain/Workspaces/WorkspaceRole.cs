namespace Akua.Domain.Workspaces;

/// <summary>Ordered by power: a higher value can do everything a lower one can.</summary>
public enum WorkspaceRole
{
    Member = 1,
    Admin = 2,
    Owner = 3,
}
