using Akua.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Akua.Infrastructure.Audit;

public sealed class AuditOptions
{
    /// <summary>How long an audit event is kept (<c>Audit:RetentionDays</c>); 400 days covers a yearly review.</summary>
    public int RetentionDays { get; set; } = 400;
}

/// <summary>
/// Deletes audit events older than the retention period, a thousand at a time, once an hour. Every node may run
/// it: deleting rows another node already deleted deletes nothing.
/// </summary>
public sealed partial class AuditRetention(IServiceScopeFactory scopes, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditRetention> logger)
    : BackgroundService
{
    private const int Batch = 1_000;

    /// <summary>One pass: returns how many events it deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().AddDays(-Math.Max(1, options.Value.RetentionDays));
        var total = 0;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        while (true)
        {
            var ids = await db.AuditEvents.Where(e => e.CreatedAt < cutoff).OrderBy(e => e.CreatedAt).Select(e => e.Id).Take(Batch).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                return total;
            }

            total += await db.AuditEvents.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                var deleted = await PruneAsync(stoppingToken);
                if (deleted > 0)
                {
                    Pruned(logger, deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PruneFailed(logger, e); // the database is away: the next hour tries again
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} audit events past their retention")]
    private static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning old audit events failed")]
    private static partial void PruneFailed(ILogger logger, Exception exception);
}
