namespace Akua.Infrastructure.Credentials.Revocations;

public sealed class RevocationFeedOptions
{
    /// <summary>
    /// How often a node reads the feed; revocations reach it within this (plus a query). Keep it well under
    /// <see cref="MaxStaleness"/> (a third of it by default): a node whose reads are further apart than that
    /// does not trust its cache and asks the database on every request.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Feed entries older than this are deleted (every node's cache has long forgotten them).</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// A node trusts its credential cache only while its last completed read of the feed began less than this
    /// ago; otherwise it asks the database. A revoking request on a server database returns only after this
    /// (plus <see cref="Margin"/>) has passed since its commit, so once it has returned no node anywhere
    /// accepts the credential.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>
    /// <c>/readyz</c> answers 503 when this node's last completed read of the feed began longer ago than this (or
    /// none has completed since it started). Far above <see cref="MaxStaleness"/> on purpose: a node a little
    /// behind still answers correctly (it asks the database instead of its cache), and a busy second must not take
    /// it out of the load balancer; a node that has not read the feed for this long has a broken poller or no
    /// database, and cannot learn of revocations.
    /// </summary>
    public TimeSpan ReadinessLimit { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Added to the revoking request's wait, for timer and scheduling jitter.</summary>
    public TimeSpan Margin { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// On PostgreSQL, receive revocations as they commit (LISTEN/NOTIFY, <see cref="RevocationListener"/>) and wait
    /// <see cref="PushedMaxStaleness"/> at the barrier instead of <see cref="MaxStaleness"/>. Turn it off on every node
    /// at once (the barrier of one node must cover all), for example behind a pooler in transaction mode, which
    /// cannot LISTEN.
    /// </summary>
    public bool Listen { get; set; } = true;

    /// <summary>How often a listening node sends itself a heartbeat through the database's notification queue.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// A listening node trusts its caches while its last heartbeat came back within this; the revoking request's
    /// wait on PostgreSQL is this plus <see cref="PushedMargin"/>.
    /// </summary>
    public TimeSpan PushedMaxStaleness { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Added to the revoking request's wait when revocations are pushed.</summary>
    public TimeSpan PushedMargin { get; set; } = TimeSpan.FromMilliseconds(40);
}
