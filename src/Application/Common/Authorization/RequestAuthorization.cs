using Akua.Domain.Workspaces;

namespace Akua.Application.Common.Authorization;

// Every request declares exactly one of these; the authorization behaviour reads the declaration and an
// architecture test fails for a request that declares none. Nothing runs open by default.

/// <summary>Callable without a credential (sign-up, sign-in, the device grant).</summary>
public interface IAnonymousRequest;

/// <summary>Needs a valid credential of any kind; not scoped to a workspace.</summary>
public interface IAuthenticatedRequest;

/// <summary>Runs in the caller's current workspace and needs at least <see cref="MinimumRole"/> there.</summary>
public interface IWorkspaceRequest
{
    static abstract WorkspaceRole MinimumRole { get; }
}
