namespace Akua.Application.Common.Security;

/// <summary>
/// The workspace the current request acts on and the caller's role there. Set once per request by the
/// authorization behaviour; a handler of a workspace request reads it and never resolves the workspace itself.
/// </summary>
public sealed class WorkspaceScope
{
    private WorkspaceId? _id;

    public WorkspaceId Id => _id ?? throw new InvalidOperationException("No workspace was resolved for this request; it must be an IWorkspaceRequest.");

    public WorkspaceRole Role { get; private set; }

    /// <summary>What the caller may do here: its role's rights, narrowed by a token's permissions.</summary>
    public Permission Granted { get; private set; }

    internal void Set(WorkspaceId id, WorkspaceRole role, Permission granted)
    {
        _id = id;
        Role = role;
        Granted = granted;
    }
}
