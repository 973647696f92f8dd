using Akua.Infrastructure.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Akua.Infrastructure.OAuth;

/// <summary>
/// Keeps the signing keys ahead of time on an idle node too: a key from the first seconds after start (so the
/// JWK set is never empty), and each successor published a full lead before it signs
/// (<see cref="SigningKeyStore.EnsureKeysAsync"/>). Every node runs it; they agree through the database.
/// </summary>
public sealed partial class SigningKeyRotation(SigningKeyStore keys, IOptions<JwtOptions> options, ILogger<SigningKeyRotation> logger) : BackgroundService
{
    // Not in the start-up path: the first check runs once the server is serving.
    private static readonly TimeSpan FirstCheckAfter = TimeSpan.FromSeconds(1);

    /// <summary>Often enough that the two-lead window before a retirement is never missed.</summary>
    private TimeSpan CheckEvery => TimeSpan.FromTicks(Math.Clamp(options.Value.KeyPublicationLead.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute * 10));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstCheckAfter, stoppingToken);
            using var timer = new PeriodicTimer(CheckEvery);
            do
            {
                try
                {
                    await keys.EnsureKeysAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogCheckFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the JWT signing keys failed; trying again")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
