using System.Diagnostics;
using Akua.Infrastructure.Diagnostics;

namespace Akua.Infrastructure.Credentials.Revocations;

/// <summary>How current this node's knowledge of revocations is, on a monotonic clock (immune to clock changes).</summary>
public sealed class RevocationFeedState
{
    private long _caughtUpAt = long.MinValue;

    public RevocationFeedState(IOptions<RevocationFeedOptions> options, Akua.Infrastructure.Persistence.DatabaseOptions database, AkuaMetrics metrics)
    {
        var listening = RevocationListener.Enabled(database, options.Value);
        MaxStaleness = listening ? options.Value.PushedMaxStaleness : options.Value.MaxStaleness;
        Barrier = MaxStaleness + (listening ? options.Value.PushedMargin : options.Value.Margin);
        metrics.ObserveRevocationFeedLag(() => Lag);
    }

    /// <summary>How long after its last catch-up this node still trusts its caches: pushed or polled (<see cref="RevocationFeedOptions"/>).</summary>
    public TimeSpan MaxStaleness { get; }

    /// <summary>How long a revoking request waits after its commit, on a server database: <see cref="MaxStaleness"/> and the margin.</summary>
    public TimeSpan Barrier { get; }

    /// <summary>Time since the last completed read began; null before the first.</summary>
    public TimeSpan? Lag
    {
        get
        {
            var at = Volatile.Read(ref _caughtUpAt);
            return at == long.MinValue ? null : Stopwatch.GetElapsedTime(at);
        }
    }

    /// <summary>Marks a completed read of the feed that began at <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void CaughtUp(long startedAt)
    {
        var seen = Volatile.Read(ref _caughtUpAt);
        while (startedAt > seen)
        {
            var previous = Interlocked.CompareExchange(ref _caughtUpAt, startedAt, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    /// <summary>True when this node has received every revocation committed up to <see cref="MaxStaleness"/> ago.</summary>
    public bool IsCurrent => Stopwatch.GetElapsedTime(Volatile.Read(ref _caughtUpAt)) < MaxStaleness;
}
