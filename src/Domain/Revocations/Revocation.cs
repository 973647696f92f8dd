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

    /// <summary>
    /// An entry that makes every node forget what it remembers of a user's role in a workspace (a role changed, a
    /// member removed), through the same feed and barrier as a credential's: once the request that changed it
    /// returns, no node authorizes by the old role.
    /// </summary>
    public static Revocation OfMembership(WorkspaceId workspace, UserId user, DateTimeOffset revokedAt) => new(MembershipKey(workspace, user), revokedAt);

    /// <summary>
    /// A membership's key in the feed: the workspace id's 16 bytes, then the user's. It has a credential hash's
    /// length and cannot be mistaken for one (a SHA-256 that happens to be two chosen ids is out of reach), and the
    /// caches keep the two apart anyway: each evicts only what it holds.
    /// </summary>
    public static byte[] MembershipKey(WorkspaceId workspace, UserId user)
    {
        var key = new byte[SecretHash.Length];
        workspace.Value.TryWriteBytes(key.AsSpan(0, 16));
        user.Value.TryWriteBytes(key.AsSpan(16, 16));
        return key;
    }
}
