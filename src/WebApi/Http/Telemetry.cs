using System.Runtime.CompilerServices;
using Akua.Infrastructure.Diagnostics;
using OpenTelemetry.Metrics;

namespace Akua.WebApi.Http;

/// <summary>
/// The Prometheus scrape endpoint of the <c>Akua</c> meter (<see cref="AkuaMetrics"/>): off unless
/// <c>Telemetry:Prometheus</c> is true. The benchmark reads the database commands and cache lookups of the
/// server it measures here, from outside the process, as an operator's Prometheus would.
/// </summary>
public static class Telemetry
{
    public const string ScrapePath = "/metrics";

    public static bool PrometheusEnabled(IConfiguration configuration) => configuration.GetValue<bool>("Telemetry:Prometheus");

    // Apart, and not inlined, so the OpenTelemetry assemblies load only when the endpoint is on.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AddPrometheus(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AkuaMetrics.MeterName)
            // Every scrape collects anew: a reading taken right after a scenario counts all of it.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MapPrometheus(IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(ScrapePath).AllowAnonymous().ExcludeFromDescription();
}
