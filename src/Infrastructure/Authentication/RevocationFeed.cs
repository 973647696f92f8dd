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
    /// <summary>How often a node reads the feed; revocations reach it within this (plus a query).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Feed entries older than this are deleted (every node's cache has long forgotten them).</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Evicts revoked credentials from this node's cache the moment the revoking transaction commits: it sees
/// the <see cref="Revocation"/> rows a save adds, and evicts them after the save succeeds.
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

    private void Evict(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var hashes))
        {
            _pending.Remove(context);
            foreach (var hash in hashes)
            {
                cache.Evict(hash);
            }
        }
    }
}

/// <summary>
/// Reads the revocations other nodes made and evicts them here, every <see cref="RevocationFeedOptions.PollInterval"/>:
/// one indexed query for rows after the last one seen, plus the last few seconds again, because on a server
/// database an earlier id can commit after a later one.
/// </summary>
public sealed partial class RevocationFeedPoller(
    IServiceScopeFactory scopes, CredentialCache cache, TimeProvider clock, IOptions<RevocationFeedOptions> options, ILogger<RevocationFeedPoller> logger)
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
        if (_lastId < 0)
        {
            // Nothing is cached before the node starts: begin at the end of the feed.
            _lastId = await db.Revocations.MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0;
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
