namespace Akua.Application.Common.Abstractions;

/// <summary>What is being guessed, and by whom: each has its own limit.</summary>
public enum AttemptKind
{
    SignInPerEmail,
    SignInPerAddress,
    /// <summary>A browser with a device cookie for the account: its own count, instead of the email's and the address's.</summary>
    SignInPerDevice,
    UserCodePerUser,
    UserCodePerAddress,
}

/// <summary>
/// Limits guessing of a secret (a password, a user code). An attempt is counted before the secret is
/// checked, so concurrent guesses (on any number of nodes) cannot overshoot the limit; an attempt that
/// succeeds is taken back, so only failures count and a legitimate user is never slowed by their successes.
/// </summary>
public interface IAttemptLimiter
{
    /// <summary>Counts one attempt for <paramref name="key"/>: null when it may go ahead, else how long to wait.</summary>
    ValueTask<TimeSpan?> TryAttemptAsync(AttemptKind kind, string key, CancellationToken cancellationToken);

    /// <summary>Takes back an attempt that succeeded.</summary>
    ValueTask ForgiveAsync(AttemptKind kind, string key, CancellationToken cancellationToken);
}

public static class AttemptLimiterExtensions
{
    /// <summary>
    /// Counts the attempt against every key, in order, and throws a 429 when one must wait (the keys counted
    /// before it are taken back: list the caller's own key, its address, first).
    /// </summary>
    public static async ValueTask AttemptAsync(this IAttemptLimiter limiter, string message, CancellationToken cancellationToken, params (AttemptKind Kind, string Key)[] keys)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (await limiter.TryAttemptAsync(keys[i].Kind, keys[i].Key, cancellationToken) is { } wait)
            {
                await limiter.ForgiveAsync(cancellationToken, keys[..i]);
                throw Akua.Domain.Common.DomainException.RateLimited(message, wait);
            }
        }
    }

    public static async ValueTask ForgiveAsync(this IAttemptLimiter limiter, CancellationToken cancellationToken, params (AttemptKind Kind, string Key)[] keys)
    {
        foreach (var (kind, key) in keys)
        {
            await limiter.ForgiveAsync(kind, key, cancellationToken);
        }
    }
}
