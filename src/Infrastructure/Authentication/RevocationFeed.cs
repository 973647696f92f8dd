using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akua.Domain.Revocations;
using Akua.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Akua.Infrastructure.Authentication;

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

    /// <summary>Added to the revoking request's wait, for timer and scheduling jitter.</summary>
    public TimeSpan Margin { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>How current this node's knowledge of revocations is, on a monotonic clock (immune to clock changes).</summary>
public sealed class RevocationFeedState(IOptions<RevocationFeedOptions> options)
{
    private long _caughtUpAt = long.MinValue;

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
    public bool IsCurrent => Stopwatch.GetElapsedTime(Volatile.Read(ref _caughtUpAt)) < options.Value.MaxStaleness;
}

/// <summary>
/// Evicts revoked credentials from this node's cache the moment the revoking transaction commits: it sees
/// the <see cref="Revocation"/> rows a save adds, and evicts them after the save succeeds. It only evicts: the
/// wait that makes the revocation hold on every node is the revoking command's own declared step
/// (<see cref="Akua.Application.Common.Security.IRevokesCredentials"/>, <see cref="RevocationBarrier"/>).
/// </summary>
public sealed class RevocationEvictor(CredentialCache cache) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<byte[]>> _pending = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Evict(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Evict(eventData.Context);
        return result;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var hashes = context.ChangeTracker.Entries<Revocation>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.CredentialHash).ToList();
        if (hashes.Count > 0)
        {
            _pending.AddOrUpdate(context, hashes);
        }
    }

    /// <summary>Evicts what the save revoked.</summary>
    private void Evict(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var hashes))
        {
            return;
        }

        _pending.Remove(context);
        foreach (var hash in hashes)
        {
            cache.Evict(hash);
        }
    }
}

/// <summary>
/// Other nodes read the feed within <see cref="RevocationFeedOptions.MaxStaleness"/> or stop trusting their caches;
/// waiting that long (plus a margin) after the commit means no node accepts the credential once the revoking
/// request has returned. SQLite is one node: its own cache was evicted at the commit, so there is nothing to wait for.
/// </summary>
public sealed class RevocationBarrier(DatabaseOptions database, IOptions<RevocationFeedOptions> options) : Akua.Application.Common.Security.IRevocationBarrier
{
    public Task PassAsync() => database.Provider == DatabaseProvider.Sqlite
        ? Task.CompletedTask
        : Task.Delay(options.Value.MaxStaleness + options.Value.Margin, CancellationToken.None);
}

/// <summary>
/// Reads the revocations other nodes made and evicts them here, every <see cref="RevocationFeedOptions.PollInterval"/>:
/// one indexed query for rows after the last one seen, plus the last few seconds again, because on a server
/// database an earlier id can commit after a later one.
/// </summary>
public sealed partial class RevocationFeedPoller(
    IServiceScopeFactory scopes, CredentialCache cache, RevocationFeedState state, TimeProvider clock, IOptions<RevocationFeedOptions> options, ILogger<RevocationFeedPoller> logger)
    : BackgroundService
{
    private static readonly TimeSpan Lookback = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);
    private long _lastId = -1;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    /// <summary>Reads the feed once; returns how many entries were evicted.</summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        using var background = DbCommandCounter.Background();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        var now = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp(); // before the query: it sees every revocation committed before this
        if (_lastId < 0)
        {
            // Nothing is cached before the node starts: begin at the end of the feed.
            _lastId = await db.Revocations.MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0;
            state.CaughtUp(started);
            return 0;
        }

        var since = now - Lookback;
        var lastId = _lastId;
        var entries = await db.Revocations.AsNoTracking()
            .Where(r => r.Id > lastId || r.RevokedAt > since)
            .OrderBy(r => r.Id)
            .Select(r => new { r.Id, r.CredentialHash })
            .Take(10_000)
            .ToListAsync(cancellationToken);
        foreach (var entry in entries)
        {
            cache.Evict(entry.CredentialHash);
            _lastId = Math.Max(_lastId, entry.Id);
        }

        state.CaughtUp(started);

        if (now - _lastPrune > PruneEvery)
        {
            _lastPrune = now;
            var cutoff = now - options.Value.KeepFor;
            await db.Revocations.Where(r => r.RevokedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        }

        return entries.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        try
        {
            do
            {
                try
                {
                    await PollAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogPollFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the revocation feed failed; trying again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
