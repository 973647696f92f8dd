namespace Akua.Application.Common.Authorization;

// Every request declares exactly one of these; the authorization behaviour reads the declaration and an
// architecture test fails for a request that declares none. Nothing runs open by default.

/// <summary>Callable without a credential (sign-up, sign-in, the device grant).</summary>
public interface IAnonymousRequest;

/// <summary>
/// Needs a valid credential of any kind; not scoped to a workspace (the Akua-Context header is ignored). It
/// declares whether an integration's OAuth access token may send it (the compiler insists: fail closed).
/// </summary>
public interface IAuthenticatedRequest
{
    static abstract IntegrationAccess Integrations { get; }
}

/// <summary>
/// Runs in one workspace and needs at least <see cref="MinimumRole"/> there, and the <see cref="Permission"/> it
/// names (a workspace API token may hold fewer than its role allows). The workspace comes from the credential
/// and the <c>Akua-Context</c> header (API.md section 4), or from the route for requests that also implement
/// <see cref="ITargetsWorkspace"/>. An integration's OAuth access token may send it when its scope holds the
/// permission (as a token's permissions do), and its user's role is enough.
/// </summary>
public interface IWorkspaceRequest
{
    static abstract WorkspaceRole MinimumRole { get; }

    /// <summary>The one permission the request needs (<c>installs:write</c>); a refusal is 403 <c>insufficient_permission</c>.</summary>
    static abstract Permission Permission { get; }
}

/// <summary>A workspace request whose route names the workspace (<c>/v1/workspaces/{id}</c>): the route wins.</summary>
public interface ITargetsWorkspace
{
    string WorkspaceId { get; }
}

/// <summary>
/// Whether an OAuth access token (an integration acting for its user) may send a request outside workspaces.
/// What acts on the user's account itself (approving sign-ins, answering invitations, holding sessions) is
/// <see cref="Refused"/>. In a workspace the token's scope decides instead (<see cref="IWorkspaceRequest"/>).
/// </summary>
public enum IntegrationAccess
{
    /// <summary>Only the user's own session or a workspace API token may send it; a JWT gets a 403.</summary>
    Refused,

    /// <summary>An integration may send it with the user's rights.</summary>
    Allowed,

    /// <summary>
    /// An integration may send it only when its scope holds <c>workspace:write</c> (creating a workspace: a change
    /// to the account that a narrowly scoped integration must not make).
    /// </summary>
    AllowedWithWorkspaceWrite,
}

/// <summary>The error codes authorization answers with beside a status's own.</summary>
public static class AuthorizationCodes
{
    /// <summary>A 403 for a permission the credential does not hold (its message names the permission).</summary>
    public const string InsufficientPermission = "insufficient_permission";

    /// <summary>A 403 for a valid credential used from an address outside its allowlist.</summary>
    public const string IpNotAllowed = "ip_not_allowed";
}
