using System.Diagnostics;
using Akua.Domain.Revocations;
using Akua.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Akua.Infrastructure.Credentials.Revocations;

/// <summary>
/// Reads the revocations other nodes made and evicts them here, every <see cref="RevocationFeedOptions.PollInterval"/>:
/// one indexed query for rows after the last one seen, plus the last few seconds again, because on a server
/// database an earlier id can commit after a later one.
/// </summary>
public sealed partial class RevocationFeedPoller(
    IServiceScopeFactory scopes, CredentialCache cache, MembershipCache memberships, RevocationFeedState state, TimeProvider clock, IOptions<RevocationFeedOptions> options, ILogger<RevocationFeedPoller> logger)
    : BackgroundService
{
    private static readonly TimeSpan Lookback = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _polling = new(1, 1);
    private long _lastId = -1;

    /// <summary>Reads the feed once; returns how many entries were evicted. One read at a time (the listener reads too).</summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        await _polling.WaitAsync(cancellationToken);
        try
        {
            return await ReadAsync(cancellationToken);
        }
        finally
        {
            _polling.Release();
        }
    }

    /// <summary>
    /// The first read, on a thread of its own: the host starts it beside the server's start (pipeline, listener), so
    /// readiness, which waits for a read, need not wait for the hosted loop's first turn as well. A failure is the
    /// loop's to retry.
    /// </summary>
    public Task StartFirstRead() => Task.Run(async () =>
    {
        try
        {
            await PollAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogPollFailed(logger, e);
        }
    });

    private async Task<int> ReadAsync(CancellationToken cancellationToken)
    {
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
            memberships.Evict(entry.CredentialHash);
            _lastId = Math.Max(_lastId, entry.Id);
        }

        state.CaughtUp(started);
        return entries.Count; // old entries are deleted by retention, on one node (RetentionService)
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
