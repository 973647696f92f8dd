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

    public static ApiToken Issue(
        WorkspaceId workspaceId,
        string name,
        WorkspaceRole role,
        byte[] tokenHash,
        string prefix,
        DateTimeOffset? expiresAt,
        TimeProvider clock)
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
        };
    }

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiry && now >= expiry;

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
