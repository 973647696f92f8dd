using Akua.Application.Common;

namespace Akua.Application.Members;

/// <summary>How the member use cases load the workspace aggregate and read a member id (the rules are the aggregate's).</summary>
internal static class MemberRules
{
    /// <summary>The workspace aggregate with its memberships, tracked for a change.</summary>
    public static Task<Workspace> LoadAggregateAsync(this IApplicationDbContext db, WorkspaceScope scope, CancellationToken cancellationToken) =>
        db.Workspaces.Include(w => w.Memberships).SingleAsync(w => w.Id == scope.Id, cancellationToken);

    public static UserId ParseUserId(string userId) => Ids.ParseOrNotFound<UserId>(userId, "Member not found.");
}
