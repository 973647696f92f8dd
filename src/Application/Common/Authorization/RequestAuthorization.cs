using Akua.Domain.Workspaces;

namespace Akua.Application.Common.Authorization;

// Every request declares exactly one of these; the authorization behaviour reads the declaration and an
// architecture test fails for a request that declares none. Nothing runs open by default.

/// <summary>Callable without a credential (sign-up, sign-in, the device grant).</summary>
public interface IAnonymousRequest;

/// <summary>Needs a valid credential of any kind; not scoped to a workspace (the Akua-Context header is ignored).</summary>
public interface IAuthenticatedRequest;

/// <summary>
/// Runs in one workspace and needs at least <see cref="MinimumRole"/> there. The workspace comes from the
/// credential and the <c>Akua-Context</c> header (API.md section 4), or from the route for requests that also
/// implement <see cref="ITargetsWorkspace"/>.
/// </summary>
public interface IWorkspaceRequest
{
    static abstract WorkspaceRole MinimumRole { get; }
}

/// <summary>A workspace request whose route names the workspace (<c>/v1/workspaces/{id}</c>): the route wins.</summary>
public interface ITargetsWorkspace
{
    string WorkspaceId { get; }
}
