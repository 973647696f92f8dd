using System.Security.Cryptography;

namespace Akua.Application.Workspaces;

internal static class WorkspaceSlugs
{
    /// <summary>A slug made from <paramref name="name"/>, with a short random suffix when it is taken.</summary>
    public static async Task<string> FreeSlugAsync(this IApplicationDbContext db, string name, CancellationToken cancellationToken)
    {
        var slug = Workspace.SlugFrom(name);
        if (!await db.Workspaces.AnyAsync(w => w.Slug == slug, cancellationToken))
        {
            return slug;
        }

        // The unique index settles the rare race between two callers.
        const int suffixLength = 7;
        var stem = slug.Length > Workspace.MaxSlugLength - suffixLength ? slug[..(Workspace.MaxSlugLength - suffixLength)].TrimEnd('-') : slug;
        return $"{stem}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
    }
}
