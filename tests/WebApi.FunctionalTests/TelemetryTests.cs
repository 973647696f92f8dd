using System.Diagnostics;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// OpenTelemetry (issue 20): a span per request, per database command and per use case, exported to an
/// in-process collector here, and never a secret in any of them: not a token, a password, or a session.
/// </summary>
public sealed class TelemetryTests(TelemetryTests.TracedApiFactory factory) : IClassFixture<TelemetryTests.TracedApiFactory>
{
    public sealed class TracedApiFactory() : AkuaApiFactory(() => new SqliteTestDatabase())
    {
        public LockedList<Activity> Spans { get; } = new();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:Tracing", "true");
            builder.UseSetting("OTEL_TRACES_SAMPLER", "always_on"); // every span, to look for secrets in all of them
            builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
        }
    }

    private List<Activity> Snapshot() => factory.Spans.Snapshot();

    [Fact]
    public async Task Requests_use_cases_and_queries_are_spans_without_a_secret_in_any_attribute()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var (_, token) = await admin.CreateApiTokenAsync();
        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        await factory.Api().ExpectAsync(200, HttpMethod.Post, "/api/auth/sign-in/email", new { email = ann.Email, password = "correct horse battery" });
        await factory.Api().SendAsync(HttpMethod.Get, "/v1/installs?cursor=" + token); // a secret where it does not belong: the query string
        await factory.Api().ExpectAsync(200, HttpMethod.Get, "/healthz"); // a probe: no span

        // The server span ends as its response leaves: give the last one a moment.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!Snapshot().Any(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("installs", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        // Activity sources are the process's: servers of other test classes running at the same time add spans to
        // this collector too, but only this server's pipeline describes its request spans (http.route), and a use
        // case's span is this server's when its parent is one of those.
        var spans = Snapshot();
        var described = spans.Where(s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") is not null).Select(s => s.SpanId).ToHashSet();
        var whoami = spans.Single(s => s.DisplayName == "WhoAmIQuery" && described.Contains(s.ParentSpanId));
        var request = spans.Single(s => s.SpanId == whoami.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("/v1/auth/whoami", request.GetTagItem("http.route"));
        Assert.Contains(spans, s => s.DisplayName == "SignInCommand");
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client && s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal)); // the database
        Assert.DoesNotContain(spans, s => s.GetTagItem("http.route") is "/healthz" or "/readyz");
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && s.GetTagItem("http.response.status_code") is 401 or 403 && s.DisplayName.StartsWith("GET ", StringComparison.Ordinal));

        string[] secrets = [token, ann.Token, "correct horse battery"];
        foreach (var span in spans)
        {
            var texts = span.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(span.DisplayName).Append(span.StatusDescription ?? "")
                .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}")));
            foreach (var text in texts)
            {
                Assert.False(secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal)), $"a secret in span {span.DisplayName}: {text[..Math.Min(60, text.Length)]}…");
            }
        }

        // Log correlation: the log lines of a traced request carry its trace id.
        Assert.Contains("\"@tr\":\"", factory.Log.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The standard way out: with only <c>OTEL_EXPORTER_OTLP_*</c> set, spans and metrics reach a real OTLP/HTTP
    /// receiver listening on a socket, as they would reach any collector. Protobuf keeps strings as plain UTF-8,
    /// so the receiver can look for names in the bytes, and for a secret where none may be.
    /// </summary>
    [Fact]
    public async Task Spans_and_metrics_reach_an_OTLP_receiver_configured_the_standard_way()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var exporting = new ExportingApiFactory(receiver.Endpoint);
        await exporting.InitializeAsync();
        var ann = await exporting.SignUpAsync();
        var (_, token) = await exporting.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        await exporting.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(receiver.Received("/v1/traces", "WhoAmIQuery") && receiver.Received("/v1/metrics", "akua.authentications")
            && receiver.Received("/v1/metrics", "http.server.request.duration") && receiver.Received("/v1/metrics", "dotnet.gc")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(receiver.Received("/v1/traces", "WhoAmIQuery"), "no use case span reached the receiver");
        Assert.True(receiver.Received("/v1/traces", "akua"), "the spans name no service");
        Assert.True(receiver.Received("/v1/metrics", "akua.authentications"), "the Akua meter did not reach the receiver");
        Assert.True(receiver.Received("/v1/metrics", "http.server.request.duration"), "ASP.NET Core's metrics did not reach the receiver");
        Assert.True(receiver.Received("/v1/metrics", "dotnet.gc"), "the runtime's metrics did not reach the receiver");
        foreach (var secret in new[] { token, ann.Token, "correct horse battery" })
        {
            Assert.False(receiver.Received("/v1/traces", secret) || receiver.Received("/v1/metrics", secret), "a secret was exported");
        }
    }

    private sealed class ExportingApiFactory(string endpoint) : AkuaApiFactory(() => new SqliteTestDatabase())
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
            builder.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            builder.UseSetting("OTEL_TRACES_SAMPLER", "always_on");
            builder.UseSetting("OTEL_BSP_SCHEDULE_DELAY", "100");
            builder.UseSetting("OTEL_METRIC_EXPORT_INTERVAL", "200");
        }
    }
}

/// <summary>An OTLP/HTTP receiver on a loopback socket: keeps every export's bytes by path, answers as a collector does.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly Microsoft.AspNetCore.Builder.WebApplication _app;
    private readonly List<(string Path, byte[] Body)> _exports = [];

    private OtlpReceiver(Microsoft.AspNetCore.Builder.WebApplication app) => _app = app;

    public string Endpoint => _app.Urls.Single();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (Microsoft.AspNetCore.Http.HttpContext http) =>
        {
            using var body = new MemoryStream();
            Stream content = http.Request.Headers.ContentEncoding == "gzip"
                ? new System.IO.Compression.GZipStream(http.Request.Body, System.IO.Compression.CompressionMode.Decompress)
                : http.Request.Body;
            await content.CopyToAsync(body);
            lock (receiver._exports)
            {
                receiver._exports.Add((http.Request.Path.Value!, body.ToArray()));
            }

            http.Response.ContentType = "application/x-protobuf"; // an empty Export*ServiceResponse: all accepted
        });
        await app.StartAsync();
        return receiver;
    }

    public bool Received(string path, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        lock (_exports)
        {
            return _exports.Any(e => e.Path == path && e.Body.AsSpan().IndexOf(bytes) >= 0);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
