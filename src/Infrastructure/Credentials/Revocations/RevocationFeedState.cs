using System.Diagnostics;
using Akua.Infrastructure.Diagnostics;

namespace Akua.Infrastructure.Credentials.Revocations;

/// <summary>How current this node's knowledge of revocations is, on a monotonic clock (immune to clock changes).</summary>
public sealed class RevocationFeedState
{
    private readonly IOptions<RevocationFeedOptions> _options;
    private long _caughtUpAt = long.MinValue;

    public RevocationFeedState(IOptions<RevocationFeedOptions> options, AkuaMetrics metrics)
    {
        _options = options;
        metrics.ObserveRevocationFeedLag(() => Lag);
    }

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

    /// <summary>True when this node has read every revocation committed up to <see cref="RevocationFeedOptions.MaxStaleness"/> ago.</summary>
    public bool IsCurrent => Stopwatch.GetElapsedTime(Volatile.Read(ref _caughtUpAt)) < _options.Value.MaxStaleness;
}
