using System.Globalization;
using System.Text.RegularExpressions;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// The Prometheus scrape (issue 20): off by default; when on, text that parses and carries the <c>Akua</c>
/// counters (authentications, grant outcomes, rate-limit refusals), readable only from the addresses and the port
/// an operator gives.
/// </summary>
// Alone: OpenTelemetry's meter provider listens to meters by name, so servers of other test classes running at
// the same time (each with its own "Akua" meter) would count into this scrape, or win its instruments (CI saw
// this server's api_token count missing beside other servers' session counts).
[Collection(nameof(MeterCollection))]
public sealed partial class MetricsTests(MetricsTests.ScrapedApiFactory factory) : IClassFixture<MetricsTests.ScrapedApiFactory>
{
    public sealed class ScrapedApiFactory() : AkuaApiFactory(() => new SqliteTestDatabase())
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:Prometheus", "true");
            builder.UseSetting("Telemetry:PrometheusAllowedAddresses", "10.0.0.0/8, 2001:db8::/32");
            builder.UseSetting("RateLimits:DeviceCodesPerMinute", "3");
        }
    }

    /// <summary>One sample line of the text exposition format: a name, optional labels, a number, an optional timestamp.</summary>
    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>[-+]?([0-9.eE+-]+|Inf|NaN))( -?[0-9]+)?$""")]
    private static partial Regex Sample();

    [Fact]
    public async Task The_scrape_parses_and_carries_authentications_grant_outcomes_and_refusals()
    {
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        await factory.Api("sk_akua_" + new string('a', 38)).ExpectAsync(401, HttpMethod.Get, "/v1/auth/whoami");
        var http = factory.CreateClient();
        var device = await DeviceFlow.StartAsync(http);
        Assert.Equal("authorization_pending", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(http, device.GetProperty("device_code").GetString()!, "/oauth/token")));
        Assert.Equal("unsupported_grant_type", await DeviceFlow.ErrorOfAsync(await http.PostAsync("/oauth/token",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["client_id"] = "cnap-cli" }), TestContext.Current.CancellationToken)));
        HttpResponseMessage refused;
        do
        {
            refused = await http.PostAsync("/api/auth/device/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "cnap-cli" }), TestContext.Current.CancellationToken);
        }
        while (refused.IsSuccessStatusCode);
        Assert.Equal(429, (int)refused.StatusCode);
        HttpResponseMessage guess;
        do
        {
            guess = await factory.Api().SendAsync(HttpMethod.Post, "/api/auth/sign-in/email", new { email = ann.Email, password = "not the password" });
        }
        while ((int)guess.StatusCode == 401);
        Assert.Equal(429, (int)guess.StatusCode);

        var (status, text) = await factory.SendFromAsync("10.1.2.3", "GET", "/metrics", token: null);

        Assert.Equal(200, status);
        var samples = new List<(string Name, string Labels, double Value)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches("^# (HELP|TYPE|EOF|UNIT)( |$)", line);
                continue;
            }

            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            samples.Add((match.Groups["name"].Value, match.Groups["labels"].Value, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }

        double Count(string name, params string[] labels) =>
            samples.Where(s => s.Name == name && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal))).Sum(s => s.Value);

        Assert.True(Count("akua_authentications_total", "akua_credential_kind=\"api_token\"", "akua_outcome=\"accepted\"") >= 1, text);
        Assert.True(Count("akua_authentications_total", "akua_outcome=\"refused\"") >= 1, text);
        Assert.Equal(1, Count("akua_oauth_grants_total", "oauth_grant_type=\"device_code\"", "akua_outcome=\"authorization_pending\""));
        Assert.Equal(1, Count("akua_oauth_grants_total", "oauth_grant_type=\"other\"", "akua_outcome=\"unsupported_grant_type\""));
        Assert.True(Count("akua_rate_limit_refusals_total", "akua_limit=\"device_codes\"") >= 1, text);
        Assert.True(Count("akua_rate_limit_refusals_total", "akua_limit=\"sign_in_per_email\"") >= 1, text);
        Assert.True(Count("akua_credential_cache_hits_total") + Count("akua_credential_cache_misses_total") >= 1, text);
        Assert.True(Count("http_server_request_duration_seconds_count", "http_response_status_code=\"200\"") >= 1, text); // ASP.NET Core's
        Assert.Contains(samples, sample => sample.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal)); // the runtime's
        // Not what every request would pay for and no alert reads (Telemetry.AspNetCoreMeters, ADR 0023): active
        // requests, routing's match attempts, authentication's and authorization's own figures, the memory pool's.
        Assert.DoesNotContain(samples, sample => sample.Name.StartsWith("http_server_active_requests", StringComparison.Ordinal)
            || sample.Name.StartsWith("aspnetcore_routing_", StringComparison.Ordinal) || sample.Name.StartsWith("aspnetcore_authentication_", StringComparison.Ordinal)
            || sample.Name.StartsWith("aspnetcore_authorization_", StringComparison.Ordinal) || sample.Name.StartsWith("aspnetcore_memory_pool_", StringComparison.Ordinal));
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("2001:db9::1")]
    [InlineData(null)]
    public async Task An_address_outside_the_allowed_networks_may_not_scrape(string? address)
    {
        var (status, body) = await factory.SendFromAsync(address, "GET", "/metrics", token: null);

        Assert.Equal(403, status);
        Assert.Contains("ip_not_allowed", body, StringComparison.Ordinal);
        Assert.Equal(200, (await factory.SendFromAsync(address, "GET", "/healthz", token: null)).Status); // the rest is not restricted
        Assert.Equal(200, (await factory.SendFromAsync("2001:db8::7", "GET", "/metrics", token: null)).Status);
    }
}

/// <summary>The scrape on a port of its own, in a real process with two listeners.</summary>
public sealed class MetricsPortTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("akua-metrics-").FullName;

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    [Fact]
    public async Task With_a_metrics_url_the_scrape_is_served_there_and_nowhere_else()
    {
        var metricsPort = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(_contentRoot, new Dictionary<string, string>
        {
            ["Telemetry__Prometheus"] = "true",
            ["Telemetry__PrometheusUrl"] = $"http://127.0.0.1:{metricsPort}",
        });
        Assert.True(await server.WaitUntilReadyAsync(Patience), server.StandardOutput + server.StandardError);
        using var api = new HttpClient { BaseAddress = server.BaseAddress };
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(200, (int)(await api.GetAsync("/healthz", ct)).StatusCode);
        var scrape = await metrics.GetAsync("/metrics", ct);
        Assert.Equal(200, (int)scrape.StatusCode);
        Assert.Contains("# TYPE", await scrape.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        Assert.Equal(404, (int)(await api.GetAsync("/metrics", ct)).StatusCode); // not on the public port
        Assert.Equal(404, (int)(await metrics.GetAsync("/healthz", ct)).StatusCode); // and nothing else on the metrics port
        Assert.Equal(404, (int)(await metrics.GetAsync("/v1/auth/whoami", ct)).StatusCode);
    }

    [Theory]
    [InlineData("Telemetry__PrometheusUrl", "metrics.example.com", "Telemetry:PrometheusUrl")]
    [InlineData("Telemetry__PrometheusUrl", "http://127.0.0.1:{port}", "a port of its own")]
    [InlineData("Telemetry__PrometheusAllowedAddresses", "10.0.0.1/8", "did you mean 10.0.0.0/8?")]
    public async Task A_scrape_setting_it_cannot_honour_stops_the_server_with_one_clear_line(string key, string value, string expected)
    {
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.StartOn(port, _contentRoot, new Dictionary<string, string>
        {
            ["Telemetry__Prometheus"] = "true",
            [key] = value.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
        });

        Assert.NotEqual(0, await server.WaitForExitAsync(Patience));
        var line = Assert.Single(server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}

[CollectionDefinition(nameof(MeterCollection), DisableParallelization = true)]
public sealed class MeterCollection;
