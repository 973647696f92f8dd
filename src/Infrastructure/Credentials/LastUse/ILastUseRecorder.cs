namespace Akua.Infrastructure.Credentials.LastUse;

/// <summary>
/// Notes that a credential was used. Never waits for the database: uses are coalesced (at most one write
/// per credential per minute), written in batches off the request path, and flushed on shutdown.
/// </summary>
public interface ILastUseRecorder
{
    void Record(Credential credential, DateTimeOffset at);

    /// <summary>The latest use seen on this node and not yet written, if any (for exact sliding expiry).</summary>
    DateTimeOffset? PendingUse(Credential credential);
}
