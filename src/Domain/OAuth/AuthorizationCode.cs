using Akua.Domain.Common;

namespace Akua.Domain.OAuth;

/// <summary>
/// A one-time authorization code (RFC 6749 section 4.1), bound to its client, redirect URI and PKCE challenge.
/// Stored hashed; redeemable once, within a minute.
/// </summary>
public sealed class AuthorizationCode
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private AuthorizationCode()
    {
        CodeHash = null!;
        ClientId = RedirectUri = CodeChallenge = Scope = null!;
    }

    public Guid Id { get; private set; }

    public byte[] CodeHash { get; private set; }

    public string ClientId { get; private set; }

    public UserId UserId { get; private set; }

    public string RedirectUri { get; private set; }

    public string Scope { get; private set; }

    /// <summary>BASE64URL(SHA-256(code_verifier)): only S256 is accepted.</summary>
    public string CodeChallenge { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? RedeemedAt { get; private set; }

    /// <summary>The refresh-token family the redemption started, revoked if the code is ever presented again.</summary>
    public Guid? FamilyId { get; private set; }

    public int Version { get; private set; }

    public static AuthorizationCode Issue(byte[] codeHash, string clientId, UserId user, string redirectUri, string scope, string codeChallenge, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return new AuthorizationCode
        {
            Id = Guid.CreateVersion7(now),
            CodeHash = SecretHash.Require(codeHash),
            ClientId = clientId,
            UserId = user,
            RedirectUri = redirectUri,
            Scope = scope,
            CodeChallenge = codeChallenge,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
    }

    public bool IsRedeemed => RedeemedAt is not null;

    /// <summary>Redeems the code for a new refresh-token family; refuses an expired or already redeemed code.</summary>
    public void Redeem(Guid family, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (IsRedeemed)
        {
            throw DomainException.Conflict("The authorization code has already been used.");
        }

        if (now >= ExpiresAt)
        {
            throw DomainException.Conflict("The authorization code has expired.");
        }

        RedeemedAt = now;
        FamilyId = family;
        Version++;
    }
}
