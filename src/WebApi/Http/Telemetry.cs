using System.Runtime.CompilerServices;
using Akua.Domain.Common;
using Akua.Infrastructure.Diagnostics;
using Akua.Infrastructure.Persistence;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Akua.WebApi.Http;

/// <summary>
/// The Prometheus scrape endpoint of the <c>Akua</c> meter (<see cref="AkuaMetrics"/>): off unless
/// <c>Telemetry:Prometheus</c> is true. The benchmark reads the database commands and cache lookups of the
/// server it measures here, from outside the process, as an operator's Prometheus would. It can be kept off
/// the public port (<c>Telemetry:PrometheusUrl</c>) and to given addresses (<c>Telemetry:PrometheusAllowedAddresses</c>):
/// see <see cref="ScrapeAccess"/>.
/// </summary>
public static class Telemetry
{
    public const string ScrapePath = "/metrics";

    public static bool PrometheusEnabled(IConfiguration configuration) => configuration.GetValue<bool>("Telemetry:Prometheus");

    /// <summary>Where the server listens when no setting says: the README's first command.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>Whether none of the ways ASP.NET Core reads listening addresses is set.</summary>
    public static bool ListenAddressesUnset(IConfiguration configuration) =>
        string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey]) && string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
        && string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey]) && !configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    /// <summary>
    /// Reads who may scrape, and when <c>Telemetry:PrometheusUrl</c> names a listener of its own, adds it to the
    /// server's <c>Urls</c>. Refuses to start on a setting it cannot honour, rather than serve metrics more widely
    /// than asked.
    /// </summary>
    public static ScrapeAccess ConfigureScrape(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        AddressAllowlist? allowed = null;
        var entries = TrustedProxies.Values(configuration, "Telemetry:PrometheusAllowedAddresses").ToList();
        if (entries.Count > 0)
        {
            try
            {
                allowed = AddressAllowlist.Parse(entries);
            }
            catch (Akua.Domain.Common.DomainException e)
            {
                throw new StartupException($"Telemetry:PrometheusAllowedAddresses: {e.Message}");
            }
        }

        int? port = null;
        if (configuration["Telemetry:PrometheusUrl"] is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || uri.Port <= 0)
            {
                throw new StartupException($"Telemetry:PrometheusUrl must be a listening address such as http://10.0.0.5:9464, not '{url}'.");
            }

            // The API's addresses as Kestrel would take them (Urls, else the HTTP ports), kept beside the scrape's.
            var urls = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured
                : string.Join(';', (configuration[WebHostDefaults.HttpPortsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
            var served = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (served.Any(u => Uri.TryCreate(u.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"), UriKind.Absolute, out var other) && other.Port == uri.Port))
            {
                throw new StartupException($"Telemetry:PrometheusUrl's port {uri.Port} is also in Urls ({urls}): the scrape needs a port of its own.");
            }

            builder.WebHost.UseUrls([.. served, url.TrimEnd('/')]);
            port = uri.Port;
        }

        return new ScrapeAccess(port, allowed);
    }

    /// <summary>
    /// Where the scrape is served: with a port of its own, <c>/metrics</c> only there and nothing else there (404
    /// both ways: the API is not served on the metrics port, nor the metrics on the API's); with allowed addresses,
    /// 403 <c>ip_not_allowed</c> to any other client (its address as the trusted proxy reported it).
    /// </summary>
    public sealed record ScrapeAccess(int? Port, AddressAllowlist? Allowed)
    {
        public Task? Refuse(HttpContext context)
        {
            var isScrape = context.Request.Path.StartsWithSegments(ScrapePath);
            if (Port is { } port && (context.Connection.LocalPort == port) != isScrape)
            {
                return ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, "Not found.");
            }

            if (isScrape && Allowed is { } allowed && !allowed.Allows(context.Connection.RemoteIpAddress))
            {
                return ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "This address may not read the metrics.",
                    code: Akua.Application.Common.Authorization.AuthorizationCodes.IpNotAllowed);
            }

            return null;
        }
    }

    /// <summary>
    /// ASP.NET Core's meters an operator of this service reads: requests (duration by route and status), Kestrel's
    /// connections, unhandled exceptions and the rate limiter's leases. Not all of them, as OpenTelemetry's ASP.NET
    /// Core instrumentation package would add: routing's, authentication's, authorization's and the memory pool's
    /// record on every request (the pool several times), for figures the <c>Akua</c> meter already gives
    /// (authentications by kind and outcome) or no operator acts on. With them and the active requests, telemetry
    /// cost whoami 0.07 of its rate in the benchmark; without, 0.04 (ADR 0023).
    /// </summary>
    /// <summary>
    /// Left out of ASP.NET Core's request metrics: two updates of one shared point on every request, contended by
    /// every core, for a saturation reading Kestrel's connection gauges and the runtime's thread-pool queue give.
    /// </summary>
    public const string ActiveRequests = "http.server.active_requests";

    public static readonly string[] AspNetCoreMeters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting"];

    // Apart, and not inlined, so the OpenTelemetry assemblies load only when the endpoint is on.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AddPrometheus(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AkuaMetrics.MeterName)
            .AddMeter(AspNetCoreMeters) // requests by route and status: the 5xx alert (docs/deploy.md)
            .AddView(ActiveRequests, MetricStreamConfiguration.Drop)
            .AddRuntimeInstrumentation() // GC, heap, thread pool: what an operator graphs beside them
            // Every scrape collects anew: a reading taken right after a scenario counts all of it.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

    /// <summary>
    /// Traces (and, to an OTLP collector, metrics) are on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, the
    /// standard way, or <c>Telemetry:Tracing</c> is true (spans for an in-process listener, as the tests use).
    /// </summary>
    public static bool TracingEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>("Telemetry:Tracing") || !string.IsNullOrEmpty(configuration[OtlpEndpoint]);

    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The standard sampler setting; when it is unset, <see cref="TraceBudgetSampler"/> keeps a few traces a second.</summary>
    public const string TracesSampler = "OTEL_TRACES_SAMPLER";

    public const string TracesPerSecondKey = "Telemetry:TracesPerSecond";

    public const double DefaultTracesPerSecond = 10;

    /// <summary>The default sampler's budget of new traces a second on one node (<c>Telemetry:TracesPerSecond</c>).</summary>
    public static double TracesPerSecond(IConfiguration configuration)
    {
        var text = configuration[TracesPerSecondKey];
        if (string.IsNullOrEmpty(text))
        {
            return DefaultTracesPerSecond;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate)
            && rate is >= TraceBudgetSampler.MinTracesPerSecond and <= TraceBudgetSampler.MaxTracesPerSecond
            ? rate
            : throw new StartupException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{TracesPerSecondKey} must be a number of traces a second from {TraceBudgetSampler.MinTracesPerSecond} to {TraceBudgetSampler.MaxTracesPerSecond} ({DefaultTracesPerSecond} by default), not '{text}'; OTEL_TRACES_SAMPLER=parentbased_always_off keeps none."));
    }

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
        var sampled = string.IsNullOrEmpty(configuration[TracesSampler]) ? TracesPerSecond(configuration) : (double?)null;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("akua"))
            .WithTracing(tracing =>
            {
                if (sampled is { } tracesPerSecond)
                {
                    // Unless OTEL_TRACES_SAMPLER says otherwise: a few new traces a second, a caller's traceparent
                    // joined but not obeyed. Keeping every span of an auth service's request rate cost its hot path
                    // 0.14 of the baseline's rate in the benchmark, and one trace in ten 0.06 with the metrics (ADR
                    // 0023); OTEL_TRACES_SAMPLER=parentbased_always_on keeps them all.
                    tracing.SetSampler(TraceBudgetSampler.Default(tracesPerSecond, TimeProvider.System));
                }

                tracing.AddSource(Akua.Application.Common.Behaviors.AkuaTracing.SourceName)
                    // ASP.NET Core's own request activity, described by RequestSpans: OpenTelemetry's ASP.NET Core
                    // instrumentation listens to every request's diagnostic events, sampled or not, which cost whoami
                    // 0.05-0.07 of its rate in the benchmark against 0.89 off (ADR 0023).
                    .AddSource(RequestSpans.HostingSource)
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
                .AddMeter(AspNetCoreMeters)
                .AddView(ActiveRequests, MetricStreamConfiguration.Drop)
                .AddRuntimeInstrumentation()
                .AddOtlpExporter());
        }
    }

    /// <summary>Liveness, readiness and the scrape: asked every few seconds, and no one's request.</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments(ScrapePath);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MapPrometheus(IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(ScrapePath).AllowAnonymous().ExcludeFromDescription();
}

/// <summary>
/// What a request's span says (OpenTelemetry's HTTP semantic conventions): method, route, status, and an error
/// status for a 5xx; probes and the scrape are left out. Only a request the sampler keeps pays for it: the others
/// have no recorded activity, so this middleware is one check for them (ADR 0023).
/// </summary>
public static class RequestSpans
{
    public const string HostingSource = "Microsoft.AspNetCore";

    public static IApplicationBuilder UseRequestSpans(this IApplicationBuilder app) => app.Use((context, next) =>
        System.Diagnostics.Activity.Current is { IsAllDataRequested: true } activity && activity.Source.Name == HostingSource
            ? DescribeAsync(activity, context, next)
            : next(context));

    private static async Task DescribeAsync(System.Diagnostics.Activity activity, HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        if (Telemetry.IsProbe(path))
        {
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~System.Diagnostics.ActivityTraceFlags.Recorded; // not exported
            await next(context);
            return;
        }

        var method = context.Request.Method;
        activity.SetTag("http.request.method", method);
        activity.SetTag("url.scheme", context.Request.Scheme);
        try
        {
            await next(context);
        }
        catch (Exception e)
        {
            activity.SetTag("error.type", e.GetType().FullName);
            activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            throw;
        }
        finally
        {
            if ((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } route)
            {
                activity.SetTag("http.route", route);
                activity.DisplayName = $"{method} {route}";
            }

            var status = context.Response.StatusCode;
            activity.SetTag("http.response.status_code", status);
            if (status >= 500)
            {
                activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            }
        }
    }
}
