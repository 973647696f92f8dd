namespace Akua.Domain.Workspaces;

/// <summary>
/// What a credential may do in a workspace, beside its role: <c>&lt;resource&gt;:read</c> or
/// <c>&lt;resource&gt;:write</c> (write implies read). A flags value, so a check on the hot path is one AND.
/// </summary>
[Flags]
public enum Permission
{
    None = 0,
    InstallsRead = 1 << 0,
    InstallsWrite = 1 << 1,
    ApiTokensRead = 1 << 2,
    ApiTokensWrite = 1 << 3,
    MembersRead = 1 << 4,
    MembersWrite = 1 << 5,
    OAuthClientsRead = 1 << 6,
    OAuthClientsWrite = 1 << 7,
    AuditRead = 1 << 8,
    WorkspaceRead = 1 << 9,
    WorkspaceWrite = 1 << 10,
}

/// <summary>The permission strings of the API and what each role may hold.</summary>
public static class Permissions
{
    /// <summary>Every permission by its API name, in the order the API lists them.</summary>
    public static IReadOnlyList<(string Name, Permission Value)> All { get; } =
    [
        ("installs:read", Permission.InstallsRead), ("installs:write", Permission.InstallsWrite),
        ("api_tokens:read", Permission.ApiTokensRead), ("api_tokens:write", Permission.ApiTokensWrite),
        ("members:read", Permission.MembersRead), ("members:write", Permission.MembersWrite),
        ("oauth_clients:read", Permission.OAuthClientsRead), ("oauth_clients:write", Permission.OAuthClientsWrite),
        ("audit:read", Permission.AuditRead),
        ("workspace:read", Permission.WorkspaceRead), ("workspace:write", Permission.WorkspaceWrite),
    ];

    public static readonly Permission Everything = All.Aggregate(Permission.None, (all, p) => all | p.Value);

    /// <summary>What a member may hold: reading everything but the audit log.</summary>
    public static readonly Permission MemberRights =
        Permission.InstallsRead | Permission.ApiTokensRead | Permission.MembersRead | Permission.OAuthClientsRead | Permission.WorkspaceRead;

    public static Permission OfRole(WorkspaceRole role) => role >= WorkspaceRole.Admin ? Everything : MemberRights;

    /// <summary>Write implies read: the set as it acts.</summary>
    public static Permission WithImplied(Permission permissions)
    {
        var implied = permissions;
        foreach (var (write, read) in WriteImpliesRead)
        {
            if ((permissions & write) != 0)
            {
                implied |= read;
            }
        }

        return implied;
    }

    private static readonly (Permission Write, Permission Read)[] WriteImpliesRead =
    [
        (Permission.InstallsWrite, Permission.InstallsRead), (Permission.ApiTokensWrite, Permission.ApiTokensRead),
        (Permission.MembersWrite, Permission.MembersRead), (Permission.OAuthClientsWrite, Permission.OAuthClientsRead),
        (Permission.WorkspaceWrite, Permission.WorkspaceRead),
    ];

    public static bool TryParse(string name, out Permission permission)
    {
        foreach (var (known, value) in All)
        {
            if (string.Equals(known, name, StringComparison.Ordinal))
            {
                permission = value;
                return true;
            }
        }

        permission = Permission.None;
        return false;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Permission, IReadOnlyList<string>> NameLists = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Permission> Stored = new(StringComparer.Ordinal);

    /// <summary>The names of a set, in the API's order; one shared list per set (answers read it on the hot path).</summary>
    public static IReadOnlyList<string> Names(Permission permissions) =>
        NameLists.GetOrAdd(permissions, static p => [.. All.Where(known => (p & known.Value) == known.Value).Select(known => known.Name)]);

    /// <summary>How a set is stored: its names, space-separated, in the API's order.</summary>
    public static string Format(Permission permissions) => string.Join(' ', Names(permissions));

    /// <summary>
    /// Reads a stored set back (<see cref="Format"/>); a name this version does not know is dropped, so a token is
    /// never granted more than it was made with. Parsed once per distinct value.
    /// </summary>
    public static Permission ParseStored(string stored) => Stored.GetOrAdd(stored, static text =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Aggregate(Permission.None, (set, name) => TryParse(name, out var p) ? set | p : set));

    /// <summary>What a single permission lets its holder do, in words (the consent page and the tokens page say these).</summary>
    public static string Describe(Permission permission) => permission switch
    {
        Permission.InstallsRead => "See installs",
        Permission.InstallsWrite => "Create and delete installs",
        Permission.ApiTokensRead => "See API tokens: names, dates and use, never a token itself",
        Permission.ApiTokensWrite => "Create, roll and revoke API tokens",
        Permission.MembersRead => "See members and invitations, with their email addresses",
        Permission.MembersWrite => "Invite and remove members and change their roles",
        Permission.OAuthClientsRead => "See integrations",
        Permission.OAuthClientsWrite => "Register and delete integrations",
        Permission.AuditRead => "Read the audit log",
        Permission.WorkspaceRead => "See the workspace's name and settings",
        Permission.WorkspaceWrite => "Rename workspaces, change their settings, and create new ones",
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, "Not one permission."),
    };

    /// <summary>The one name of a single permission (what a refusal names).</summary>
    public static string NameOf(Permission permission) => All.Single(p => p.Value == permission).Name;
}
