namespace Akua.Domain.OAuth;

/// <summary>
/// A JWT signing key shared by every node: the public part as a JWK, the private part protected at rest.
/// It is published from <see cref="CreatedAt"/>, signs from <see cref="ActivatesAt"/> (a next key is made ahead,
/// so that resource servers that cache the key set know it before it signs) until <see cref="RetiresAt"/>,
/// and stays published until <see cref="ExpiresAt"/>, when every token it signed has expired.
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

    public DateTimeOffset ActivatesAt { get; private set; }

    public DateTimeOffset RetiresAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public static SigningKey Create(
        string keyId, string algorithm, string publicJwk, string protectedPrivateKey, DateTimeOffset now, DateTimeOffset activatesAt, TimeSpan signFor, TimeSpan longestTokenLife)
    {
        if (activatesAt < now)
        {
            throw new ArgumentOutOfRangeException(nameof(activatesAt), "A key cannot have signed before it existed.");
        }

        return new()
        {
            KeyId = keyId,
            Algorithm = algorithm,
            PublicJwk = publicJwk,
            ProtectedPrivateKey = protectedPrivateKey,
            CreatedAt = now,
            ActivatesAt = activatesAt,
            RetiresAt = activatesAt + signFor,
            ExpiresAt = activatesAt + signFor + longestTokenLife,
        };
    }

    /// <summary>
    /// Keeps signing until <paramref name="until"/>, when its successor (made late: no node ran in the hours before
    /// this key's retirement) is published long enough to take over; it stays published as much longer.
    /// </summary>
    public void SignUntil(DateTimeOffset until)
    {
        if (until <= RetiresAt)
        {
            return;
        }

        ExpiresAt += until - RetiresAt;
        RetiresAt = until;
    }

    /// <summary>Stops signing now (its private part can no longer be read); tokens it signed still verify until they expire.</summary>
    public void Retire(DateTimeOffset now, TimeSpan longestTokenLife)
    {
        if (now < RetiresAt)
        {
            RetiresAt = now;
            ExpiresAt = now + longestTokenLife;
        }
    }

    public bool SignsAt(DateTimeOffset now) => now >= ActivatesAt && now < RetiresAt;

    public bool IsPublishedAt(DateTimeOffset now) => now < ExpiresAt;
}
