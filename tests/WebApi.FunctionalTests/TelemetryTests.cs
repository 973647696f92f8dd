using System.Diagnostics;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
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
        public List<Activity> Spans { get; } = [];

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:Tracing", "true");
            builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
        }
    }

    private List<Activity> Snapshot()
    {
        lock (factory.Spans)
        {
            return [.. factory.Spans];
        }
    }

    [Fact]
    public async Task Requests_use_cases_and_queries_are_spans_without_a_secret_in_any_attribute()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var (_, token) = await admin.CreateApiTokenAsync();
        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        await factory.Api().ExpectAsync(200, HttpMethod.Post, "/api/auth/sign-in/email", new { email = ann.Email, password = "correct horse battery" });
        await factory.Api().SendAsync(HttpMethod.Get, "/v1/installs?cursor=" + token); // a secret where it does not belong: the query string

        // The server span ends as its response leaves: give the last one a moment.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!Snapshot().Any(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("installs", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var spans = Snapshot();
        var whoami = spans.Single(s => s.DisplayName == "WhoAmIQuery");
        var request = spans.Single(s => s.SpanId == whoami.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("/v1/auth/whoami", request.GetTagItem("http.route"));
        Assert.Contains(spans, s => s.DisplayName == "SignInCommand");
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client && s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal)); // the database
        Assert.DoesNotContain(spans, s => s.GetTagItem("url.path") is "/healthz" or "/readyz");

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
}
