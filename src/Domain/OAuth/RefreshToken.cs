using Akua.Domain.Common;

namespace Akua.Domain.OAuth;

/// <summary>
/// A rotating refresh token: each use consumes it and issues the next of its family. Presenting a consumed
/// one again means it was stolen or replayed, so the whole family is revoked (OAuth 2.1 section 4.3.1).
/// </summary>
public sealed class RefreshToken
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private RefreshToken()
    {
        TokenHash = null!;
        ClientId = Scope = null!;
    }

    public Guid Id { get; private set; }

    public byte[] TokenHash { get; private set; }

    public Guid FamilyId { get; private set; }

    public string ClientId { get; private set; }

    public UserId UserId { get; private set; }

    public string Scope { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? ConsumedAt { get; private set; }

    public int Version { get; private set; }

    public static RefreshToken Issue(byte[] tokenHash, Guid family, string clientId, UserId user, string scope, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return new RefreshToken
        {
            Id = Guid.CreateVersion7(now),
            TokenHash = SecretHash.Require(tokenHash),
            FamilyId = family,
            ClientId = clientId,
            UserId = user,
            Scope = scope,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
    }

    public bool IsConsumed => ConsumedAt is not null;

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>Consumes this token so the next of the family can be issued.</summary>
    public void Consume(TimeProvider clock)
    {
        if (IsConsumed)
        {
            throw DomainException.Conflict("The refresh token has already been used.");
        }

        ConsumedAt = clock.GetUtcNow();
        Version++;
    }
}
