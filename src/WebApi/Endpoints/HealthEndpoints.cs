using Akua.Infrastructure.Persistence;
using Akua.WebApi.Http;

namespace Akua.WebApi.Endpoints;

public static class HealthEndpoints
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Alive: the process answers. No I/O, so a slow database never gets a healthy node restarted.
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }))
            .AllowAnonymous().ExcludeFromDescription();

        // Ready: the database answers within two seconds.
        app.MapGet("/readyz", async (AkuaDbContext db, HttpContext context) =>
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
                await ApiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The database is unreachable.");
                return Results.Empty;
            }

            return Results.Ok(new { status = "ready" });
        }).AllowAnonymous().ExcludeFromDescription();

        return app;
    }
}
