using System.Runtime.CompilerServices;
using Akua.Infrastructure.Diagnostics;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

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

    /// <summary>
    /// Traces (and, to an OTLP collector, metrics) are on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, the
    /// standard way, or <c>Telemetry:Tracing</c> is true (spans for an in-process listener, as the tests use).
    /// </summary>
    public static bool TracingEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>("Telemetry:Tracing") || !string.IsNullOrEmpty(configuration[OtlpEndpoint]);

    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Spans of requests (ASP.NET Core, without probes and the scrape), database commands (EF Core, Npgsql) and use
    /// cases (<see cref="Akua.Application.Common.Behaviors.AkuaTracing"/>), and with an OTLP endpoint the
    /// <c>Akua</c> meter, ASP.NET Core's and the runtime's metrics, all exported with the standard
    /// <c>OTEL_EXPORTER_OTLP_*</c> settings. Statements go without their parameter values; URLs without their query.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AddTracing(IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrEmpty(configuration[OtlpEndpoint]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("akua"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Akua.Application.Common.Behaviors.AkuaTracing.SourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbe(http.Request.Path))
                    .AddEntityFrameworkCoreInstrumentation()
                    .AddNpgsql();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(AkuaMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter());
        }
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments(ScrapePath);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MapPrometheus(IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(ScrapePath).AllowAnonymous().ExcludeFromDescription();
}
