using System.Security.Cryptography;
using System.Text;
using Akua.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.Infrastructure.Abuse;

/// <summary>
/// Attempts per key in fixed windows, counted in the shared database with atomic increments, so a limit holds
/// across every node and under any concurrency: an attempt is counted before the secret is checked, and the
/// count read back decides. Runs in its own database context, so a count survives the request's failure.
/// </summary>
public sealed class DatabaseAttemptLimiter(IServiceScopeFactory scopes, TimeProvider clock, Akua.Infrastructure.Diagnostics.AkuaMetrics metrics) : IAttemptLimiter
{
    /// <summary>Each kind's name as a metric tag (<c>sign_in_per_email</c>, ...).</summary>
    private static readonly IReadOnlyDictionary<AttemptKind, string> TagNames = Enum.GetValues<AttemptKind>().ToDictionary(
        k => k, k => string.Concat(k.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())));

    public static readonly IReadOnlyDictionary<AttemptKind, (int Max, TimeSpan Window)> Limits = new Dictionary<AttemptKind, (int, TimeSpan)>
    {
        [AttemptKind.SignInPerEmail] = (10, TimeSpan.FromMinutes(15)),
        [AttemptKind.SignInPerAddress] = (30, TimeSpan.FromMinutes(15)),
        [AttemptKind.SignInPerDevice] = (10, TimeSpan.FromMinutes(15)),
        [AttemptKind.UserCodePerUser] = (10, TimeSpan.FromMinutes(15)),
        [AttemptKind.UserCodePerAddress] = (20, TimeSpan.FromMinutes(15)),
    };

    /// <summary>The longest window: a window that opened before this long ago counts nothing (retention deletes it).</summary>
    public static TimeSpan LongestWindow { get; } = Limits.Values.Max(l => l.Window);

    public async ValueTask<TimeSpan?> TryAttemptAsync(AttemptKind kind, string key, CancellationToken cancellationToken)
    {
        var (max, window) = Limits[kind];
        var hash = KeyHash(kind, key);
        var now = clock.GetUtcNow();
        var windowOpenedAfter = now - window;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();

        for (var tries = 0; ; tries++)
        {
            // The current window counts one more; an expired one starts over; a first attempt adds the row.
            var counted = await db.AttemptWindows.Where(w => w.KeyHash == hash && w.WindowStart > windowOpenedAfter)
                .ExecuteUpdateAsync(u => u.SetProperty(w => w.Attempts, w => w.Attempts + 1), cancellationToken);
            if (counted == 0)
            {
                counted = await db.AttemptWindows.Where(w => w.KeyHash == hash && w.WindowStart <= windowOpenedAfter)
                    .ExecuteUpdateAsync(u => u.SetProperty(w => w.WindowStart, now).SetProperty(w => w.Attempts, 1), cancellationToken);
            }

            if (counted == 0)
            {
                db.AttemptWindows.Add(new AttemptWindow { KeyHash = hash, WindowStart = now, Attempts = 1 });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (Akua.Domain.Common.DomainException) when (tries == 0)
                {
                    // Another node added the row first (a unique violation): count in it.
                    db.ChangeTracker.Clear();
                    continue;
                }
            }

            break;
        }

        var current = await db.AttemptWindows.AsNoTracking().Where(w => w.KeyHash == hash)
            .Select(w => new { w.WindowStart, w.Attempts }).SingleAsync(cancellationToken);
        if (current.Attempts <= max)
        {
            return null;
        }

        metrics.RateLimitRefused(TagNames[kind]);
        return current.WindowStart + window - now;
    }

    public async ValueTask ForgiveAsync(AttemptKind kind, string key, CancellationToken cancellationToken)
    {
        var hash = KeyHash(kind, key);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        await db.AttemptWindows.Where(w => w.KeyHash == hash && w.Attempts > 0)
            .ExecuteUpdateAsync(u => u.SetProperty(w => w.Attempts, w => w.Attempts - 1), cancellationToken);
    }

    private static byte[] KeyHash(AttemptKind kind, string key) => SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}:{key}"));
}
