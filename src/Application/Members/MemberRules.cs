using Akua.Application.Common;
using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Security;
using Akua.Domain.Common;
using Akua.Domain.Workspaces;
using Microsoft.EntityFrameworkCore;

namespace Akua.Application.Members;

/// <summary>What an admin may do to memberships that only an owner may do to owners (API.md section 5).</summary>
internal static class MemberRules
{
    public static void RequireMayGrant(WorkspaceScope caller, WorkspaceRole role)
    {
        if (role == WorkspaceRole.Owner && caller.Role != WorkspaceRole.Owner)
        {
            throw DomainException.Forbidden("Only an owner can make someone an owner.");
        }
    }

    public static void RequireMayManage(WorkspaceScope caller, WorkspaceRole currentRole)
    {
        if (currentRole == WorkspaceRole.Owner && caller.Role != WorkspaceRole.Owner)
        {
            throw DomainException.Forbidden("Only an owner can change or remove an owner.");
        }
    }

    /// <summary>The workspace aggregate with its memberships, tracked for a change.</summary>
    public static Task<Workspace> LoadAggregateAsync(this IApplicationDbContext db, WorkspaceScope scope, CancellationToken cancellationToken) =>
        db.Workspaces.Include(w => w.Memberships).SingleAsync(w => w.Id == scope.Id, cancellationToken);

    public static UserId ParseUserId(string userId) => Ids.ParseOrNotFound<UserId>(userId, "Member not found.");
}
