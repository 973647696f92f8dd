using Akua.Application.Common;
using Akua.Domain.Workspaces;
using Akua.Infrastructure.Credentials.Revocations;
using Akua.Infrastructure.Diagnostics;

namespace Akua.Infrastructure.Credentials;

/// <summary>
/// Roles for authorization (<see cref="IMembershipRoles"/>): from this node's <see cref="MembershipCache"/> while
/// the node is current with the revocation feed, else from the request's own database context, remembered for the
/// next request.
/// </summary>
internal sealed class MembershipRoles(MembershipCache cache, RevocationFeedState feed, Deferred<IApplicationDbContext> db, AkuaMetrics metrics) : IMembershipRoles
{
    public ValueTask<WorkspaceRole?> RoleAsync(UserId user, WorkspaceId workspace, CancellationToken cancellationToken)
    {
        if (feed.IsCurrent && cache.TryGet(workspace, user, out var role))
        {
            metrics.MembershipCacheLookup(hit: true);
            return ValueTask.FromResult<WorkspaceRole?>(role);
        }

        metrics.MembershipCacheLookup(hit: false);
        return LoadAsync(user, workspace, cancellationToken);
    }

    private async ValueTask<WorkspaceRole?> LoadAsync(UserId user, WorkspaceId workspace, CancellationToken cancellationToken)
    {
        var evictions = cache.Evictions;
        var role = await db.Value.Memberships
            .Where(m => m.WorkspaceId == workspace && m.UserId == user)
            .Select(m => (WorkspaceRole?)m.Role)
            .FirstOrDefaultAsync(cancellationToken);
        if (role is { } found)
        {
            cache.Remember(workspace, user, found, evictions);
        }

        return role;
    }
}
