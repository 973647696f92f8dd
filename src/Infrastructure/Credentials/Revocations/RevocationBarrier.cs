using Akua.Infrastructure.Persistence;

namespace Akua.Infrastructure.Credentials.Revocations;

/// <summary>
/// Other nodes read the feed within <see cref="RevocationFeedOptions.MaxStaleness"/> or stop trusting their caches;
/// waiting that long (plus a margin) after the commit means no node accepts the credential once the revoking
/// request has returned. SQLite is one node: its own cache was evicted at the commit, so there is nothing to wait for.
/// </summary>
public sealed class RevocationBarrier(DatabaseOptions database, IOptions<RevocationFeedOptions> options) : IRevocationBarrier
{
    public Task PassAsync() => database.Provider == DatabaseProvider.Sqlite
        ? Task.CompletedTask
        : Task.Delay(options.Value.MaxStaleness + options.Value.Margin, CancellationToken.None);
}
