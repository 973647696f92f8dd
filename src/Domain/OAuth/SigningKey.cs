namespace Akua.Domain.OAuth;

/// <summary>
/// A JWT signing key shared by every node: the public part as a JWK, the private part protected at rest.
/// It signs until <see cref="RetiresAt"/> and is published until <see cref="ExpiresAt"/>, when every token
/// it signed has expired.
/// </summary>
public sealed class SigningKey
{
    private SigningKey()
    {
        KeyId = Algorithm = PublicJwk = ProtectedPrivateKey = null!;
    }

    public string KeyId { get; private set; }

    public string Algorithm { get; private set; }

    public string PublicJwk { get; private set; }

    public string ProtectedPrivateKey { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset RetiresAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public static SigningKey Create(string keyId, string algorithm, string publicJwk, string protectedPrivateKey, DateTimeOffset now, TimeSpan signFor, TimeSpan longestTokenLife) => new()
    {
        KeyId = keyId,
        Algorithm = algorithm,
        PublicJwk = publicJwk,
        ProtectedPrivateKey = protectedPrivateKey,
        CreatedAt = now,
        RetiresAt = now + signFor,
        ExpiresAt = now + signFor + longestTokenLife,
    };

    public bool SignsAt(DateTimeOffset now) => now >= CreatedAt && now < RetiresAt;

    public bool IsPublishedAt(DateTimeOffset now) => now < ExpiresAt;
}
