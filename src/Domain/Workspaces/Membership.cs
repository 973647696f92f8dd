using Akua.Domain.Common;

namespace Akua.Domain.Workspaces;

public sealed class Membership
{
    private Membership()
    {
    }

    public MembershipId Id { get; private set; }

    public WorkspaceId WorkspaceId { get; private set; }

    public UserId UserId { get; private set; }

    public WorkspaceRole Role { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    internal static Membership Create(WorkspaceId workspaceId, UserId userId, WorkspaceRole role, DateTimeOffset now, TimeProvider clock) => new()
    {
        Id = EntityId.New<MembershipId>(clock),
        WorkspaceId = workspaceId,
        UserId = userId,
        Role = role,
        CreatedAt = now,
        UpdatedAt = now,
    };

    internal void ChangeRole(WorkspaceRole role, DateTimeOffset now)
    {
        Role = role;
        UpdatedAt = now;
    }
}
