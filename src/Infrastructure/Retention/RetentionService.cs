using Akua.Infrastructure.Audit;
using Akua.Infrastructure.Credentials.Revocations;
using Akua.Infrastructure.Diagnostics;
using Akua.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Akua.Infrastructure.Retention;

/// <summary><c>Retention:*</c>: how long what has ended is kept before it is deleted.</summary>
public sealed class RetentionOptions
{
    /// <summary>How often a pass runs (on one node: whichever holds the lease).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Device codes and authorization codes, used or not, this long after they expired.</summary>
    public TimeSpan CodesAfterExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Refresh tokens this long after they expired. A used refresh token is kept until then: presented again while
    /// it lives, it ends its whole grant (reuse detection).
    /// </summary>
    public TimeSpan RefreshTokensAfterExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Sessions this long after they expired (they slide with use; the grace covers unwritten uses).</summary>
    public TimeSpan SessionsAfterExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Expired API tokens, and tokens revoked as leaked, this long after: their owners still see them listed for
    /// a while. Their audit events stay (retention of the audit log is its own).
    /// </summary>
    public TimeSpan ApiTokensAfterEnd { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Rows deleted per statement: small, so a pass never holds long locks.</summary>
    public int BatchSize { get; set; } = 1_000;
}

/// <summary>
/// Deletes what has ended, table by table, in small batches, on one node at a time (a <see cref="Leases"/> row):
/// used and expired device codes and authorization codes, expired refresh tokens, expired sessions, ended API
/// tokens past a grace period (their usage goes with them; their audit events stay), audit events past their
/// retention, revocation feed entries every node has read, and attempt windows that have closed. Without it
/// those tables grow for ever.
/// </summary>
public sealed partial class RetentionService(
    IServiceScopeFactory scopes,
    Leases leases,
    IOptions<RetentionOptions> options,
    IOptions<AuditOptions> audit,
    IOptions<RevocationFeedOptions> feed,
    AkuaMetrics metrics,
    TimeProvider clock,
    ILogger<RetentionService> logger) : BackgroundService
{
    public const string LeaseName = "retention";

    /// <summary>One pass, if this node holds the lease: what it deleted per table (null when another node holds it).</summary>
    public async Task<IReadOnlyDictionary<string, int>?> PruneAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        // Held for longer than a pass can take; given back at the end, so the next pass may run anywhere.
        if (!await leases.TryAcquireAsync(LeaseName, o.Interval * 3, cancellationToken))
        {
            return null;
        }

        try
        {
            var now = clock.GetUtcNow();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
            var codes = now - o.CodesAfterExpiry;
            var refresh = now - o.RefreshTokensAfterExpiry;
            var sessions = now - o.SessionsAfterExpiry;
            var tokens = now - o.ApiTokensAfterEnd;
            var events = now.AddDays(-Math.Max(1, audit.Value.RetentionDays));
            var revocations = now - feed.Value.KeepFor;
            var attempts = now - Abuse.DatabaseAttemptLimiter.LongestWindow;
            var deleted = new Dictionary<string, int>
            {
                ["device_codes"] = await InBatchesAsync(db.DeviceCodes.Where(d => d.ExpiresAt < codes).Select(d => d.Id), ids => db.DeviceCodes.Where(d => ids.Contains(d.Id)), cancellationToken),
                ["authorization_codes"] = await InBatchesAsync(db.AuthorizationCodes.Where(c => c.ExpiresAt < codes).Select(c => c.Id), ids => db.AuthorizationCodes.Where(c => ids.Contains(c.Id)), cancellationToken),
                ["refresh_tokens"] = await InBatchesAsync(db.RefreshTokens.Where(t => t.ExpiresAt < refresh).Select(t => t.Id), ids => db.RefreshTokens.Where(t => ids.Contains(t.Id)), cancellationToken),
                ["sessions"] = await InBatchesAsync(db.Sessions.Where(s => s.ExpiresAt < sessions).Select(s => s.Id), ids => db.Sessions.Where(s => ids.Contains(s.Id)), cancellationToken),
                ["api_tokens"] = await InBatchesAsync(
                    db.ApiTokens.Where(t => (t.ExpiresAt != null && t.ExpiresAt < tokens) || (t.RevokedAt != null && t.RevokedAt < tokens)).Select(t => t.Id),
                    ids => db.ApiTokens.Where(t => ids.Contains(t.Id)), cancellationToken),
                ["audit_events"] = await InBatchesAsync(db.AuditEvents.Where(e => e.CreatedAt < events).Select(e => e.Id), ids => db.AuditEvents.Where(e => ids.Contains(e.Id)), cancellationToken),
                ["revocations"] = await InBatchesAsync(db.Revocations.Where(r => r.RevokedAt < revocations).Select(r => r.Id), ids => db.Revocations.Where(r => ids.Contains(r.Id)), cancellationToken),
                // One row per key guessed at within the last window, so one statement: a window that opened before the
                // longest limit's counts nothing any more (the limiter starts a new one in place).
                ["attempt_windows"] = await db.AttemptWindows.Where(w => w.WindowStart < attempts).ExecuteDeleteAsync(cancellationToken),
            };
            foreach (var (table, count) in deleted)
            {
                metrics.RowsPruned(table, count);
            }

            return deleted;
        }
        finally
        {
            await leases.ReleaseAsync(LeaseName, CancellationToken.None);
        }
    }

    /// <summary>Selects up to a batch of ids, deletes those rows, again until none is left; the count deleted.</summary>
    private async Task<int> InBatchesAsync<TId>(IQueryable<TId> due, Func<List<TId>, IQueryable<object>> rows, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            // Oldest first (the ids are UUIDv7, ordered by time), and an order EF Core need not warn about.
            var ids = await due.Order().Take(Math.Max(1, options.Value.BatchSize)).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                return total;
            }

            total += await rows(ids).ExecuteDeleteAsync(cancellationToken);
            if (ids.Count < options.Value.BatchSize)
            {
                return total;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Scheduled on the wall clock: a test that moves the service's clock by months must not set off a pass per
        // interval in between. What counts as ended is decided by the service's clock (PruneAsync).
        // The first pass one interval after start, not at it: compiling its ten queries would share the start-up's two
        // cores (ADR 0025), and a pass 30 s in landed inside a multi-node test's timed revocations on a busy machine.
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await PruneAsync(stoppingToken) is { } deleted && deleted.Values.Sum() > 0)
                {
                    Pruned(logger, string.Join(", ", deleted.Where(d => d.Value > 0).Select(d => $"{d.Value} {d.Key}")));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PruneFailed(logger, e); // the database is away: the next pass tries again
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Deleted}")]
    private static partial void Pruned(ILogger logger, string deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A retention pass failed")]
    private static partial void PruneFailed(ILogger logger, Exception exception);
}
