using Akua.Domain.Common;
using Akua.Domain.Revocations;
using Akua.Domain.Workspaces;

namespace Akua.Domain.ApiTokens;

/// <summary>
/// A workspace API token (<c>sk_akua_…</c>). Only its hash and display prefix are stored; the token itself is
/// shown once, by the use case that issues it.
/// </summary>
public sealed class ApiToken
{
    public const int MaxNameLength = 100;
    public const int PrefixLength = 12;
    public const int MaxCreatedByLength = 64;
    public const int MaxLeakUrlLength = 2048;
    public const int MaxPermissionsLength = 512;

    /// <summary>The longest overlap a roll allows: both tokens work for at most this long.</summary>
    public static readonly TimeSpan MaxRollOverlap = TimeSpan.FromDays(7);

    private bool _revoked;

    private ApiToken()
    {
        Name = Prefix = null!;
        TokenHash = null!;
    }

    public ApiTokenId Id { get; private set; }

    public WorkspaceId WorkspaceId { get; private set; }

    public string Name { get; private set; }

    /// <summary>Admin or member, fixed at creation: a token never acts as an owner.</summary>
    public WorkspaceRole Role { get; private set; }

    public byte[] TokenHash { get; private set; }

    public string Prefix { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ExpiresAt { get; private set; }

    public DateTimeOffset? LastUsedAt { get; private set; }

    /// <summary>
    /// What it may do, as stored (<see cref="Workspaces.Permissions.Format"/>), write implying read; null for every
    /// right its role has.
    /// </summary>
    public string? PermissionNames { get; private set; }

    /// <summary>What it may do in its workspace: its permissions, or its role's rights.</summary>
    public Permission Effective => PermissionNames is null ? Workspaces.Permissions.OfRole(Role) : Workspaces.Permissions.ParseStored(PermissionNames);

    /// <summary>The networks it may be used from, as stored (<see cref="AddressAllowlist.Stored"/>); null for any address.</summary>
    public string? AllowedIps { get; private set; }

    public AddressAllowlist? AllowedAddresses => AllowedIps is null ? null : AddressAllowlist.ParseStored(AllowedIps);

    /// <summary>Who made it: a user's <c>usr_</c> id or a token's <c>tok_</c> id (null for tokens made before this was kept).</summary>
    public string? CreatedBy { get; private set; }

    /// <summary>The token this one was rolled from.</summary>
    public ApiTokenId? ReplacesId { get; private set; }

    /// <summary>The token that replaced this one when it was rolled; this one works until its <see cref="ExpiresAt"/>.</summary>
    public ApiTokenId? ReplacedById { get; private set; }

    /// <summary>
    /// Set when the token was revoked because it leaked: the row stays so its owners see what happened. A token
    /// revoked by hand is deleted instead.
    /// </summary>
    public DateTimeOffset? RevokedAt { get; private set; }

    /// <summary>Where a secret scanner found it (for example a GitHub URL).</summary>
    public string? LeakUrl { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    public static ApiToken Issue(
        WorkspaceId workspaceId,
        string name,
        WorkspaceRole role,
        byte[] tokenHash,
        string prefix,
        DateTimeOffset? expiresAt,
        string? createdBy,
        TimeProvider clock,
        Permission? permissions = null,
        AddressAllowlist? allowedIps = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (prefix.Length != PrefixLength)
        {
            throw new ArgumentException($"A token prefix is {PrefixLength} characters.", nameof(prefix));
        }

        if (role == WorkspaceRole.Owner)
        {
            throw DomainException.Invalid("A workspace API token is an admin or a member, never an owner.");
        }

        var now = clock.GetUtcNow();
        if (expiresAt is { } expiry && expiry <= now)
        {
            throw DomainException.Invalid("expires_at must be in the future.");
        }

        string? stored = null;
        if (permissions is { } asked)
        {
            var implied = Workspaces.Permissions.WithImplied(asked);
            var beyond = implied & ~Workspaces.Permissions.OfRole(role);
            if (beyond != Permission.None)
            {
                throw DomainException.Invalid($"A token with the {role.ToString().ToLowerInvariant()} role cannot hold {string.Join(", ", Workspaces.Permissions.Names(beyond))}.");
            }

            if (implied == Permission.None)
            {
                throw DomainException.Invalid("permissions must name at least one permission (omit it for everything the role allows).");
            }

            stored = Workspaces.Permissions.Format(implied);
        }

        return new ApiToken
        {
            Id = EntityId.New<ApiTokenId>(clock),
            WorkspaceId = workspaceId,
            Name = name.Trim(),
            Role = role,
            TokenHash = SecretHash.Require(tokenHash),
            Prefix = prefix,
            CreatedAt = now,
            ExpiresAt = expiresAt,
            CreatedBy = createdBy is { Length: > MaxCreatedByLength } ? createdBy[..MaxCreatedByLength] : createdBy,
            PermissionNames = stored,
            AllowedIps = allowedIps?.Stored,
        };
    }

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiry && now >= expiry;

    /// <summary>Accepted as a credential at <paramref name="now"/>: neither revoked nor expired.</summary>
    public bool IsLiveAt(DateTimeOffset now) => !IsRevoked && !IsExpiredAt(now);

    /// <summary>
    /// Rolls the token: <paramref name="replacement"/> (same workspace, name and role, issued by the caller) takes
    /// over, and this token keeps working for <paramref name="overlap"/> only (never longer than it would have).
    /// Returns the feed entry that makes every node reload this token with its new expiry.
    /// </summary>
    public Revocation RollTo(ApiToken replacement, TimeSpan overlap, TimeProvider clock)
    {
        if (overlap < TimeSpan.Zero || overlap > MaxRollOverlap)
        {
            throw DomainException.Invalid($"expires_in is 0 to {(long)MaxRollOverlap.TotalSeconds} seconds (7 days).");
        }

        var now = clock.GetUtcNow();
        if (_revoked || IsRevoked || IsExpiredAt(now))
        {
            throw DomainException.Conflict("The token is revoked or expired: create a new one instead.");
        }

        if (ReplacedById is not null)
        {
            throw DomainException.Conflict($"The token was already rolled; roll its replacement {ReplacedById} instead.");
        }

        if (replacement.WorkspaceId != WorkspaceId || replacement.Role != Role || replacement.Name != Name)
        {
            throw new ArgumentException("A replacement has the workspace, name and role of the token it replaces.", nameof(replacement));
        }

        var end = now + overlap;
        ExpiresAt = ExpiresAt is { } expiry && expiry < end ? expiry : end;
        ReplacedById = replacement.Id;
        replacement.ReplacesId = Id;
        return Revocation.Of(TokenHash, now);
    }

    /// <summary>
    /// Revokes the token because a secret scanner found it at <paramref name="url"/>: it stops working on every node
    /// (the returned feed entry), and the row stays, marked, so the workspace sees where it leaked. Null when it was
    /// already revoked: a scanner that reports it twice changes nothing.
    /// </summary>
    public Revocation? RevokeAsLeaked(string? url, TimeProvider clock)
    {
        if (IsRevoked)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        RevokedAt = now;
        LeakUrl = url is { Length: > MaxLeakUrlLength } ? url[..MaxLeakUrlLength] : url;
        return Revocation.Of(TokenHash, now);
    }

    /// <summary>Records a use; uses arrive batched and out of order, so the timestamp only moves forward.</summary>
    public void RecordUse(DateTimeOffset at)
    {
        if (LastUsedAt is null || at > LastUsedAt)
        {
            LastUsedAt = at;
        }
    }

    /// <summary>
    /// Revoking deletes the token (the caller removes it) and returns the feed entry that makes every node
    /// forget it.
    /// </summary>
    public Revocation Revoke(TimeProvider clock)
    {
        if (_revoked)
        {
            throw DomainException.NotFound("API token not found.");
        }

        _revoked = true;
        return Revocation.Of(TokenHash, clock.GetUtcNow());
    }
}
