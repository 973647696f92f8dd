using Akua.Domain.Common;
using Akua.Domain.Users;

namespace Akua.Domain.Workspaces;

public enum InvitationStatus
{
    Pending,
    Accepted,
    Declined,
    Revoked,
}

/// <summary>
/// An offer to join a workspace with a role, made by an owner or admin to an email (or a user id). Nobody is
/// added without saying yes: the invited person accepts or declines; an invitation expires after
/// <see cref="Lifetime"/> and can be revoked before. Whether an account exists for the email changes nothing
/// the inviter sees.
/// </summary>
public sealed class Invitation
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public const int MaxInvitedByLength = 64;

    private Invitation()
    {
    }

    public InvitationId Id { get; private set; }

    public WorkspaceId WorkspaceId { get; private set; }

    /// <summary>The email as the inviter typed it (null when invited by user id).</summary>
    public string? Email { get; private set; }

    public string? NormalizedEmail { get; private set; }

    /// <summary>
    /// The SHA-256 of the code an email invitation is accepted with. An email is not proof of anything here (there
    /// is no verification), so whoever holds the address's account also needs the code the inviter sent.
    /// </summary>
    public byte[]? CodeHash { get; private set; }

    /// <summary>The user invited by id (null when invited by email).</summary>
    public UserId? UserId { get; private set; }

    public WorkspaceRole Role { get; private set; }

    /// <summary>Who invited: a user id, or the id of the workspace API token that did.</summary>
    public string InvitedBy { get; private set; } = string.Empty;

    public InvitationStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public static Invitation ToEmail(WorkspaceId workspace, string email, byte[] codeHash, WorkspaceRole role, string invitedBy, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var invitation = Create(workspace, email.Trim(), User.NormalizeEmail(email), null, role, invitedBy, clock);
        invitation.CodeHash = codeHash;
        return invitation;
    }

    /// <summary>Whether accepting or declining needs the code (an email invitation).</summary>
    public bool RequiresCode => CodeHash is not null;

    /// <summary>The code is right (or none is needed). Compared in constant time.</summary>
    public bool Admits(byte[]? codeHash) =>
        CodeHash is null || (codeHash is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(codeHash, CodeHash));

    public static Invitation ToUser(WorkspaceId workspace, UserId user, WorkspaceRole role, string invitedBy, TimeProvider clock) =>
        Create(workspace, null, null, user, role, invitedBy, clock);

    /// <summary>Open: pending and not expired at <paramref name="now"/>.</summary>
    public bool IsOpenAt(DateTimeOffset now) => Status == InvitationStatus.Pending && now < ExpiresAt;

    /// <summary>Whether this invitation is addressed to that user (by id or by their email).</summary>
    public bool IsFor(UserId user, string normalizedEmail) =>
        UserId == user || (NormalizedEmail is not null && NormalizedEmail == normalizedEmail);

    /// <summary>Accepted: the caller adds the membership to the workspace in the same transaction.</summary>
    public void Accept(TimeProvider clock) => Decide(InvitationStatus.Accepted, clock);

    public void Decline(TimeProvider clock) => Decide(InvitationStatus.Declined, clock);

    public void Revoke(TimeProvider clock) => Decide(InvitationStatus.Revoked, clock);

    private void Decide(InvitationStatus status, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (!IsOpenAt(now))
        {
            throw Status == InvitationStatus.Pending
                ? DomainException.Conflict("This invitation has expired. Ask for a new one.")
                : DomainException.Conflict($"This invitation was already {Status.ToString().ToLowerInvariant()}.");
        }

        Status = status;
        DecidedAt = now;
    }

    private static Invitation Create(WorkspaceId workspace, string? email, string? normalized, UserId? user, WorkspaceRole role, string invitedBy, TimeProvider clock)
    {
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role));
        }

        var now = clock.GetUtcNow();
        return new Invitation
        {
            Id = EntityId.New<InvitationId>(clock),
            WorkspaceId = workspace,
            Email = email,
            NormalizedEmail = normalized,
            UserId = user,
            Role = role,
            InvitedBy = invitedBy,
            Status = InvitationStatus.Pending,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
    }
}
