using System.Collections.Concurrent;
using Akua.Application.Common.Abstractions;

namespace Akua.Infrastructure.Abuse;

/// <summary>
/// Failed attempts per key in fixed windows, in this process's memory. Enough for one node; several nodes
/// need the counts in the shared database (the reliability issue).
/// </summary>
public sealed class InMemoryAttemptLimiter(TimeProvider clock) : IAttemptLimiter
{
    private const int MaxKeys = 100_000;

    private static readonly Dictionary<AttemptKind, (int Max, TimeSpan Window)> Limits = new()
    {
        [AttemptKind.SignInPerEmail] = (10, TimeSpan.FromMinutes(15)),
        [AttemptKind.SignInPerAddress] = (30, TimeSpan.FromMinutes(15)),
        [AttemptKind.UserCodePerUser] = (10, TimeSpan.FromMinutes(15)),
        [AttemptKind.UserCodePerAddress] = (20, TimeSpan.FromMinutes(15)),
    };

    private readonly ConcurrentDictionary<(AttemptKind, string), Window> _windows = new();

    public ValueTask<TimeSpan?> RetryAfterAsync(AttemptKind kind, string key, CancellationToken cancellationToken)
    {
        var (max, length) = Limits[kind];
        var now = clock.GetUtcNow();
        if (_windows.TryGetValue((kind, key), out var window) && now < window.Start + length && window.Failures >= max)
        {
            return ValueTask.FromResult<TimeSpan?>(window.Start + length - now);
        }

        return ValueTask.FromResult<TimeSpan?>(null);
    }

    public ValueTask RecordFailureAsync(AttemptKind kind, string key, CancellationToken cancellationToken)
    {
        var (_, length) = Limits[kind];
        var now = clock.GetUtcNow();
        if (_windows.Count > MaxKeys)
        {
            Prune(now);
        }

        _windows.AddOrUpdate((kind, key), _ => new Window(now, 1), (_, w) => now >= w.Start + length ? new Window(now, 1) : w with { Failures = w.Failures + 1 });
        return ValueTask.CompletedTask;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, window) in _windows)
        {
            if (now >= window.Start + Limits[id.Item1].Window)
            {
                _windows.TryRemove(id, out _);
            }
        }
    }

    private sealed record Window(DateTimeOffset Start, int Failures);
}
