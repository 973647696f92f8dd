namespace Akua.Application.Common.Abstractions;

/// <summary>
/// A user's role in a workspace, as authorization reads it on every workspace request that a session or a JWT
/// makes. Answered from this node's memory while it is current with the revocation feed (a role change or a
/// removal is an entry of that feed), else from the database.
/// </summary>
public interface IMembershipRoles
{
    /// <returns>The role, or null when the user is not a member.</returns>
    ValueTask<WorkspaceRole?> RoleAsync(UserId user, WorkspaceId workspace, CancellationToken cancellationToken);
}
