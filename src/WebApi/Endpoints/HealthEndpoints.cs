using Akua.Infrastructure.Credentials.Revocations;
using Akua.Infrastructure.Persistence;
using Akua.WebApi.Http;
using Microsoft.Extensions.Options;

namespace Akua.WebApi.Endpoints;

public static class HealthEndpoints
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Alive: the process answers. No I/O, so a slow database never gets a healthy node restarted.
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }))
            .AllowAnonymous().ExcludeFromDescription();

        // Ready: the database answers within two seconds, and this node has read the revocation feed recently
        // (a node that cannot learn of revocations must leave the load balancer). The 503's details name the check
        // that failed: database or revocation_feed.
        app.MapGet("/readyz", async (AkuaDbContext db, RevocationFeedState feed, IOptions<RevocationFeedOptions> options, HttpContext context) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(ReadinessTimeout);
            bool ready;
            try
            {
                ready = await db.Database.CanConnectAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                ready = false;
            }

            if (!ready)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The database is unreachable.",
                    [new ApiErrorDetail("database", "no answer within 2 s")]);
                return Results.Empty;
            }

            var limit = options.Value.ReadinessLimit;
            var lag = feed.Lag;
            if (lag is null || lag > limit)
            {
                var message = lag is null
                    ? "This node has not read the revocation feed yet."
                    : $"This node last read the revocation feed {lag.Value.TotalSeconds:0.#} s ago (limit {limit.TotalSeconds:0.#} s): it cannot learn of revocations.";
                await ApiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, message, [new ApiErrorDetail("revocation_feed", message)]);
                return Results.Empty;
            }

            return Results.Ok(new { status = "ready" });
        }).AllowAnonymous().ExcludeFromDescription();

        return app;
    }
}
