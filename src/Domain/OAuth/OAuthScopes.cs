using System.Collections.Concurrent;
using Akua.Domain.Workspaces;

namespace Akua.Domain.OAuth;

/// <summary>
/// The scopes an integration asks for: the permission strings of the API (<c>installs:read</c>, write implying
/// read), and <see cref="Api"/>, the one scope there was before permissions. A JWT's <c>scope</c> claim carries
/// what was granted; the API enforces it like a token's permissions (ADR 0022).
/// </summary>
public static class OAuthScopes
{
    /// <summary>The alias an integration asked for before scopes were permissions.</summary>
    public const string Api = "api";

    /// <summary>
    /// What <see cref="Api"/> means: exactly what an integration could do before permissions (installs, reading
    /// tokens, members and integrations, reading and changing the workspace), so no grant already given widens.
    /// </summary>
    public const Permission ApiAlias =
        Permission.InstallsRead | Permission.InstallsWrite | Permission.ApiTokensRead | Permission.MembersRead
        | Permission.OAuthClientsRead | Permission.WorkspaceRead | Permission.WorkspaceWrite;

    /// <summary>
    /// The permissions that make or change credentials and people: with them an integration could leave
    /// behind access that outlives its grant. Only a client registered for them may ask for them.
    /// </summary>
    public const Permission CredentialManagement = Permission.ApiTokensWrite | Permission.OAuthClientsWrite | Permission.MembersWrite;

    /// <summary>What a client may ask for when its registration names nothing: everything but credential management.</summary>
    public static Permission ClientDefault { get; } = Permissions.Everything & ~CredentialManagement;

    /// <summary>Every scope this server knows (the metadata's <c>scopes_supported</c>).</summary>
    public static IReadOnlyList<string> Supported { get; } = [Api, .. Permissions.All.Select(p => p.Name)];

    /// <summary>
    /// Reads a requested scope (space-separated, RFC 6749 section 3.3): the permissions it asks for, write
    /// implying read, or false with the first name this server does not know.
    /// </summary>
    public static bool TryParse(string scope, out Permission permissions, out string? unknown)
    {
        permissions = Permission.None;
        unknown = null;
        foreach (var name in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (name == Api)
            {
                permissions |= ApiAlias;
            }
            else if (Permissions.TryParse(name, out var permission))
            {
                permissions |= permission;
            }
            else
            {
                unknown = name;
                return false;
            }
        }

        permissions = Permissions.WithImplied(permissions);
        return true;
    }

    /// <summary>A requested scope as it is stored and signed: each name once, single spaces, in the order asked.</summary>
    public static string Normalize(string scope) => string.Join(' ', scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal));

    private static readonly ConcurrentDictionary<string, Permission> Granted = new(StringComparer.Ordinal);

    /// <summary>
    /// What a granted scope (a JWT's claim) lets the token do. A name this version does not know grants
    /// nothing, so a token is never worth more than it was issued for. Parsed once per distinct value: the
    /// credential cache calls this on every miss.
    /// </summary>
    public static Permission OfGranted(string? scope)
    {
        if (scope is null)
        {
            return Permission.None;
        }

        if (Granted.TryGetValue(scope, out var known))
        {
            return known;
        }

        var parsed = Permissions.WithImplied(scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Aggregate(Permission.None, (set, name) => name == Api ? set | ApiAlias : Permissions.TryParse(name, out var p) ? set | p : set));
        // Bounded: grants name their scopes in any order, and each order is a key of its own.
        if (Granted.Count < MaxRemembered)
        {
            Granted.TryAdd(scope, parsed);
        }

        return parsed;
    }

    private const int MaxRemembered = 4096;
}
