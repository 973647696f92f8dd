namespace Akua.Application.Common.Abstractions;

/// <summary>What is being guessed, and by whom: each has its own limit.</summary>
public enum AttemptKind
{
    SignInPerEmail,
    SignInPerAddress,
    UserCodePerUser,
    UserCodePerAddress,
}

/// <summary>
/// Counts failed attempts at guessing a secret (a password, a user code) and says when a key must wait.
/// Only failures count, so a legitimate user is never slowed by their own successes.
/// </summary>
public interface IAttemptLimiter
{
    /// <summary>Null when <paramref name="key"/> may try now; otherwise how long it must wait.</summary>
    ValueTask<TimeSpan?> RetryAfterAsync(AttemptKind kind, string key, CancellationToken cancellationToken);

    ValueTask RecordFailureAsync(AttemptKind kind, string key, CancellationToken cancellationToken);
}

public static class AttemptLimiterExtensions
{
    /// <summary>Throws a 429 when any of the keys must wait.</summary>
    public static async ValueTask ThrowIfLimitedAsync(this IAttemptLimiter limiter, string message, CancellationToken cancellationToken, params (AttemptKind Kind, string Key)[] keys)
    {
        foreach (var (kind, key) in keys)
        {
            if (await limiter.RetryAfterAsync(kind, key, cancellationToken) is { } wait)
            {
                throw Akua.Domain.Common.DomainException.RateLimited(message, wait);
            }
        }
    }

    public static async ValueTask RecordFailuresAsync(this IAttemptLimiter limiter, CancellationToken cancellationToken, params (AttemptKind Kind, string Key)[] keys)
    {
        foreach (var (kind, key) in keys)
        {
            await limiter.RecordFailureAsync(kind, key, cancellationToken);
        }
    }
}
