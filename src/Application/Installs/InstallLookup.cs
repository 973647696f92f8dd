using Akua.Application.Common;
using Akua.Domain.Installs;

namespace Akua.Application.Installs;

internal static class InstallLookup
{
    /// <summary>The install in the current workspace; another workspace's, or a malformed id, is not found.</summary>
    public static async Task<Install> FindInstallAsync(this IApplicationDbContext db, string id, WorkspaceScope workspace, bool tracked, CancellationToken cancellationToken)
    {
        const string notFound = "Install not found.";
        var installId = Ids.ParseOrNotFound<InstallId>(id, notFound);
        var query = tracked ? db.Installs : db.Installs.AsNoTracking();
        return await query.SingleOrDefaultAsync(i => i.Id == installId && i.WorkspaceId == workspace.Id, cancellationToken)
            ?? throw DomainException.NotFound(notFound);
    }
}
