using Akua.Infrastructure.Persistence;

namespace Akua.Infrastructure.Credentials.Revocations;

/// <summary>
/// Other nodes catch up with the feed within <see cref="RevocationFeedState.MaxStaleness"/> (pushed on PostgreSQL,
/// polled elsewhere) or stop trusting their caches;
/// waiting that long (plus a margin) after the commit means no node accepts the credential once the revoking
/// request has returned. SQLite is one node: its own cache was evicted at the commit, so there is nothing to wait for.
/// </summary>
public sealed class RevocationBarrier(DatabaseOptions database, RevocationFeedState feed) : IRevocationBarrier
{
    public Task PassAsync() => database.Provider == DatabaseProvider.Sqlite
        ? Task.CompletedTask
        : Task.Delay(feed.Barrier, CancellationToken.None);
}
