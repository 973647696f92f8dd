using System.Diagnostics;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// The sampler a node has when <c>OTEL_TRACES_SAMPLER</c> is unset (ADR 0023): every request is traced while
/// requests come slower than the budget (<c>Telemetry:TracesPerSecond</c>), a caller's <c>traceparent</c> is
/// joined but its flag buys nothing over the budget, and nothing but a request starts a trace. Alone in its collection: activity
/// listeners are the process's, and another server's always-on sampler would record this server's requests too.
/// </summary>
[Collection(nameof(TracerCollection))]
public sealed class DefaultSamplerTests : IDisposable
{
    private const string Whoami = "/v1/auth/whoami";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("akua-sampler-").FullName;

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    private sealed class SampledApiFactory(string? tracesPerSecond) : AkuaApiFactory(() => new SqliteTestDatabase())
    {
        private readonly LockedList<Activity> _spans = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:Tracing", "true");
            builder.UseSetting("OTEL_TRACES_SAMPLER", ""); // the default sampler, whatever this machine's environment says
            if (tracesPerSecond is not null)
            {
                builder.UseSetting("Telemetry:TracesPerSecond", tracesPerSecond);
            }

            builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans)));
        }

        public List<Activity> Spans() => _spans.Snapshot();

        /// <summary>The request spans of a route, once <paramref name="expected"/> have ended or a few seconds have passed.</summary>
        public async Task<List<Activity>> RequestSpansAsync(string route, int expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (true)
            {
                var spans = Spans().Where(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), route)).ToList();
                if (spans.Count >= expected || DateTime.UtcNow > deadline)
                {
                    return spans;
                }

                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }

    [Fact]
    public async Task Under_the_budget_every_request_is_traced_and_only_requests_start_traces()
    {
        await using var factory = new SampledApiFactory(tracesPerSecond: null);
        await factory.InitializeAsync();
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.1), TestContext.Current.CancellationToken); // a full second's budget again

        for (var i = 0; i < 6; i++)
        {
            await factory.Api(token).ExpectAsync(200, HttpMethod.Get, Whoami);
        }

        // A caller's trace is joined, whichever way its flag says: here the budget decides.
        var (sampled, notSampled) = (ActivityTraceId.CreateRandom(), ActivityTraceId.CreateRandom());
        await SendAsync(factory.Api(token), $"00-{sampled}-{ActivitySpanId.CreateRandom()}-01");
        await SendAsync(factory.Api(token), $"00-{notSampled}-{ActivitySpanId.CreateRandom()}-00");

        // One trace in ten (the sampler this replaced) kept all eight once in a hundred million runs.
        var requests = await factory.RequestSpansAsync(Whoami, 8);
        Assert.Equal(8, requests.Count);
        Assert.Contains(requests, s => s.TraceId == sampled);
        Assert.Contains(requests, s => s.TraceId == notSampled);
        Assert.Equal(8, factory.Spans().Count(s => s.DisplayName == "WhoAmIQuery"));
        // The revocation feed polled the database every 250 ms meanwhile: none of it started a trace.
        var roots = factory.Spans().Where(s => s.ParentSpanId == default).ToList();
        Assert.NotEmpty(roots);
        Assert.All(roots, root => Assert.Equal(ActivityKind.Server, root.Kind));
    }

    /// <summary>
    /// An internet client's <c>traceparent</c> with its sampled flag set would, under the standard parent-based
    /// sampler, have every one of its requests traced: a client could buy the cost of tracing everything.
    /// </summary>
    [Fact]
    public async Task A_caller_s_sampled_flag_does_not_buy_a_trace_over_the_budget()
    {
        // One trace every thousand seconds: the sign-up takes it.
        await using var factory = new SampledApiFactory(tracesPerSecond: "0.001");
        await factory.InitializeAsync();
        var ann = await factory.SignUpAsync();
        Assert.Single(await factory.RequestSpansAsync("/api/auth/sign-up/email", 1));

        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        var asked = ActivityTraceId.CreateRandom();
        await SendAsync(factory.Api(token), $"00-{asked}-{ActivitySpanId.CreateRandom()}-01"); // the caller asks for a trace
        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, Whoami);

        Assert.Empty(await factory.RequestSpansAsync(Whoami, 1)); // waited: nothing came
        Assert.DoesNotContain(factory.Spans(), s => s.TraceId == asked);
    }

    private static async Task SendAsync(ApiClient api, string traceparent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Whoami);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.Token);
        request.Headers.Add("traceparent", traceparent);
        using var response = await api.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("0")]
    [InlineData("0.0001")]
    [InlineData("2000000")]
    [InlineData("-5")]
    [InlineData("NaN")]
    public async Task A_budget_it_cannot_keep_stops_the_server_with_one_clear_line(string value)
    {
        await using var server = ServerProcess.StartOn(ServerProcess.FreePort(), _contentRoot, new Dictionary<string, string>
        {
            ["Telemetry__Tracing"] = "true",
            ["Telemetry__TracesPerSecond"] = value,
        });

        Assert.NotEqual(0, await server.WaitForExitAsync(Patience));
        var line = Assert.Single(server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Telemetry:TracesPerSecond", line, StringComparison.Ordinal);
    }
}

[CollectionDefinition(nameof(TracerCollection), DisableParallelization = true)]
public sealed class TracerCollection;

/// <summary>A list an exporter may add to while a test reads it: OpenTelemetry's in-memory exporter takes no lock.</summary>
public sealed class LockedList<T> : System.Collections.ObjectModel.Collection<T>
{
    protected override void InsertItem(int index, T item)
    {
        lock (Items)
        {
            base.InsertItem(index, item);
        }
    }

    public List<T> Snapshot()
    {
        lock (Items)
        {
            return [.. Items];
        }
    }
}
