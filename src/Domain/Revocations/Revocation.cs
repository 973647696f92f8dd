using Akua.Domain.Common;

namespace Akua.Domain.Revocations;

/// <summary>
/// One entry of the revocation feed: every node evicts the credential with this hash from its cache.
/// The feed outlives the deleted credential row, and old entries are pruned.
/// </summary>
public sealed class Revocation
{
    private Revocation()
    {
        CredentialHash = null!;
    }

    private Revocation(byte[] credentialHash, DateTimeOffset revokedAt)
    {
        CredentialHash = SecretHash.Require(credentialHash);
        RevokedAt = revokedAt;
    }

    /// <summary>Assigned by the database, strictly increasing: nodes read the feed after the last id they saw.</summary>
    public long Id { get; private set; }

    public byte[] CredentialHash { get; private set; }

    public DateTimeOffset RevokedAt { get; private set; }

    public static Revocation Of(byte[] credentialHash, DateTimeOffset revokedAt) => new(credentialHash, revokedAt);
}
