using System.Collections.Concurrent;
using Akua.Domain.ApiTokens;
using Akua.Domain.Sessions;
using Akua.Infrastructure.Diagnostics;
using Akua.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Akua.Infrastructure.Credentials.LastUse;

public sealed class LastUseOptions
{
    /// <summary>How often the buffer is looked at for writes that are due.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most one write per credential in this window (API.md: a minute).</summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Requests report uses here, in memory and without waiting. A background loop writes what is due in one
/// transaction: a credential's first use at once (within a flush interval), later ones at most once per
/// window, always the latest use. On PostgreSQL and SQLite a flush is at most three statements whatever the
/// number of credentials (<see cref="LastUseBatch"/>). Stopping the host flushes everything, so a clean shutdown loses nothing.
/// The writes are conditional updates that only move time forward, so batches from several nodes commute.
/// Beside an API token's last use it counts the token's requests, and adds them to the token's row of the day
/// (<see cref="ApiTokenUsage"/>) when it writes the last use: counting costs a request one interlocked add.
/// </summary>
public sealed partial class LastUseRecorder(
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, TimeProvider clock, IOptions<LastUseOptions> options, DatabaseOptions database, AkuaMetrics metrics,
    ILogger<LastUseRecorder> logger)
    : BackgroundService, ILastUseRecorder
{
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    // Last use is shown in whole seconds: a use within a second of the one already pending changes nothing,
    // so the hot path only reads the shared slot instead of fighting over its cache line on every request.
    private static readonly long Resolution = TimeSpan.TicksPerSecond;
    private readonly ConcurrentDictionary<Key, Slot> _slots = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private CancellationTokenRegistration _stopped;

    public void Record(Credential credential, DateTimeOffset at)
    {
        if (KeyOf(credential) is not { } key)
        {
            return;
        }

        var slot = _slots.GetOrAdd(key, static _ => new Slot());
        if (key.Kind == CredentialKind.ApiToken)
        {
            Interlocked.Increment(ref slot.Requests);
        }

        var ticks = at.UtcTicks;
        var seen = Volatile.Read(ref slot.PendingTicks);
        while (ticks - seen >= Resolution)
        {
            var previous = Interlocked.CompareExchange(ref slot.PendingTicks, ticks, seen);
            if (previous == seen)
            {
                break;
            }

            seen = previous;
        }
    }

    public DateTimeOffset? PendingUse(Credential credential)
    {
        if (KeyOf(credential) is not { } key || !_slots.TryGetValue(key, out var slot))
        {
            return null;
        }

        var pending = Volatile.Read(ref slot.PendingTicks);
        return pending > Volatile.Read(ref slot.WrittenTicks) ? new DateTimeOffset(pending, TimeSpan.Zero) : null;
    }

    /// <summary>Writes the uses that are due (all of them when <paramref name="everything"/>); returns how many.</summary>
    public async Task<int> FlushAsync(bool everything, CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow().UtcTicks;
            var window = options.Value.CoalesceWindow.Ticks;
            var due = new List<(Key Key, Slot Slot, long Pending, long Requests)>();
            foreach (var (key, slot) in _slots)
            {
                var pending = Volatile.Read(ref slot.PendingTicks);
                if (pending <= slot.WrittenTicks && Volatile.Read(ref slot.Requests) == 0)
                {
                    if (now - slot.WrittenAtTicks > ForgetAfter.Ticks)
                    {
                        _slots.TryRemove(new KeyValuePair<Key, Slot>(key, slot));
                    }

                    continue;
                }

                if (everything || slot.WrittenAtTicks == 0 || now - slot.WrittenAtTicks >= window)
                {
                    due.Add((key, slot, pending, Interlocked.Exchange(ref slot.Requests, 0)));
                }
            }

            if (due.Count == 0)
            {
                return 0;
            }

            // Every node writes its rows in one order (sessions, then tokens, each by id): two nodes' flushes that
            // touch the same rows then wait for each other instead of deadlocking. In dictionary order they did,
            // and PostgreSQL broke the cycle only after its deadlock timeout (a second), holding up revocations of
            // those rows meanwhile (the three-node revocation trial read 1,283 ms).
            due.Sort(static (a, b) => a.Key.Kind != b.Key.Kind ? a.Key.Kind.CompareTo(b.Key.Kind) : string.CompareOrdinal(a.Key.Id, b.Key.Id));

            try
            {
                await WriteAsync(due, cancellationToken);
            }
            catch
            {
                foreach (var (_, slot, _, requests) in due)
                {
                    Interlocked.Add(ref slot.Requests, requests); // counted again at the next flush: nothing is lost
                }

                throw;
            }

            foreach (var (_, slot, pending, _) in due)
            {
                slot.WrittenTicks = Math.Max(slot.WrittenTicks, pending);
                slot.WrittenAtTicks = now;
            }

            return due.Count;
        }
        finally
        {
            _flushing.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FinalFlushAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.ObserveLastUsePending(() => _slots.Count(s => Volatile.Read(ref s.Value.PendingTicks) > s.Value.WrittenTicks));
        // Hosted services stop before the web server has drained its requests; uses recorded by those
        // last requests are written once the host has stopped completely.
        _stopped = lifetime.ApplicationStopped.Register(() => FinalFlushAsync(CancellationToken.None).GetAwaiter().GetResult());
        // Real time paces the loop; the clock decides what is due (a test that moves the clock a year ahead
        // must not make the loop run a year of ticks).
        using var timer = new PeriodicTimer(options.Value.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(everything: false, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database may be away; the uses stay buffered for the next tick.
                    LogFlushFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task FinalFlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            var written = await FlushAsync(everything: true, cancellationToken);
            if (written > 0)
            {
                LogFinalFlush(logger, written);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFlushFailed(logger, e);
        }
    }

    private async Task WriteAsync(List<(Key Key, Slot Slot, long Pending, long Requests)> due, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        int statements;
        if (LastUseBatch.Supports(database.Provider))
        {
            var sessions = new List<LastUseBatch.SessionUse>();
            var tokens = new List<LastUseBatch.TokenUse>();
            foreach (var (key, _, pending, requests) in due)
            {
                var at = new DateTimeOffset(pending, TimeSpan.Zero);
                if (key.Kind == CredentialKind.Session && EntityId.TryParse<SessionId>(key.Id, out var id))
                {
                    sessions.Add(new(id, at));
                }
                else if (key.Kind == CredentialKind.ApiToken && EntityId.TryParse<ApiTokenId>(key.Id, out var tokenId))
                {
                    tokens.Add(new(tokenId, at, requests));
                }
            }

            statements = await LastUseBatch.WriteAsync(db, database.Provider, sessions, tokens, cancellationToken);
        }
        else
        {
            statements = await WriteEachAsync(db, due, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        metrics.LastUseFlushed(statements, due.Count);
    }

    /// <summary>SQL Server (not run here): a statement per credential, as before issue 21.</summary>
    /// <returns>The statements sent.</returns>
    private static async Task<int> WriteEachAsync(AkuaDbContext db, List<(Key Key, Slot Slot, long Pending, long Requests)> due, CancellationToken cancellationToken)
    {
        var statements = 0;
        foreach (var (key, _, pending, requests) in due)
        {
            var at = new DateTimeOffset(pending, TimeSpan.Zero);
            if (key.Kind == CredentialKind.Session && EntityId.TryParse<SessionId>(key.Id, out var id))
            {
                var expires = Session.ExpiryAfterUseAt(at);
                await db.Sessions.Where(s => s.Id == id && s.LastUsedAt < at && s.ExpiresAt > at)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastUsedAt, at).SetProperty(s => s.ExpiresAt, expires), cancellationToken);
                statements++;
            }
            else if (key.Kind == CredentialKind.ApiToken && EntityId.TryParse<ApiTokenId>(key.Id, out var tokenId))
            {
                await db.ApiTokens.Where(t => t.Id == tokenId && (t.LastUsedAt == null || t.LastUsedAt < at))
                    .ExecuteUpdateAsync(u => u.SetProperty(t => t.LastUsedAt, at), cancellationToken);
                statements++;
                if (requests > 0)
                {
                    statements += await AddUsageAsync(db, tokenId, DateOnly.FromDateTime(at.UtcDateTime), requests, cancellationToken);
                }
            }
        }

        return statements;
    }

    // The day of the latest use takes the requests counted since the last write (at most a window's worth, so
    // a minute's requests around midnight may land on the next day). Another node may insert the same row at
    // the same moment: the unique key refuses one, its transaction fails, and its counts wait for the next flush.
    /// <returns>The statements sent.</returns>
    private static async Task<int> AddUsageAsync(AkuaDbContext db, ApiTokenId tokenId, DateOnly day, long requests, CancellationToken cancellationToken)
    {
        var added = await db.ApiTokenUsage.Where(u => u.TokenId == tokenId && u.Day == day)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Requests, x => x.Requests + requests), cancellationToken);
        if (added != 0)
        {
            return 1;
        }

        if (!await db.ApiTokens.AnyAsync(t => t.Id == tokenId, cancellationToken)) // a revoked token's count goes with it
        {
            return 2;
        }

        db.ApiTokenUsage.Add(ApiTokenUsage.Start(tokenId, day, requests));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return 3;
    }

    // Keyed by the id as the credential carries it: no parsing on the hot path (the write parses).
    private static Key? KeyOf(Credential credential) => credential.Kind switch
    {
        CredentialKind.Session or CredentialKind.ApiToken => new Key(credential.Kind, credential.Id),
        _ => null, // a JWT has no row to update
    };

    public override void Dispose()
    {
        _stopped.Dispose();
        _flushing.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing last-use times failed; they stay buffered")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Last-use buffer flushed at shutdown ({Written} credentials)")]
    private static partial void LogFinalFlush(ILogger logger, int written);

    private readonly record struct Key(CredentialKind Kind, string Id);

    private sealed class Slot
    {
        public long PendingTicks;
        public long WrittenTicks;
        public long WrittenAtTicks;

        /// <summary>An API token's requests since the last write.</summary>
        public long Requests;
    }
}
