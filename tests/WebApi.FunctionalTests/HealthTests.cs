using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

public sealed class HealthTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    [Theory]
    [InlineData("/healthz", "ok")]
    [InlineData("/readyz", "ready")]
    public async Task Probes_answer_200_on_a_fresh_database(string path, string status)
    {
        var response = await factory.CreateClient().GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(status, (await response.JsonAsync()).GetProperty("status").GetString());
    }

    /// <summary>
    /// A node whose revocation feed stopped (here: read once at start, then not for an hour) leaves the load
    /// balancer, saying why; it stays alive.
    /// </summary>
    [Fact]
    public async Task Readiness_fails_with_the_reason_when_the_revocation_feed_is_stale()
    {
        await using var stalled = new StalledFeedFactory();
        await stalled.InitializeAsync();
        var client = stalled.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpResponseMessage ready;
        do
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            ready = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);
        }
        while ((int)ready.StatusCode == 200 && DateTime.UtcNow < deadline);

        var error = await ready.AssertErrorAsync(503, "service_unavailable");
        Assert.Contains("revocation feed", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("revocation_feed", error.GetProperty("details")[0].GetProperty("field").GetString());
        Assert.Equal(200, (int)(await client.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        await stalled.Database.DisposeAsync();
    }

    private sealed class StalledFeedFactory() : AkuaApiFactory(() => new Akua.TestSupport.SqliteTestDatabase())
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RevocationFeed:PollInterval", "01:00:00");
            builder.UseSetting("RevocationFeed:ReadinessLimit", "00:00:01");
        }
    }

    [Fact]
    public async Task The_openapi_document_is_served()
    {
        var response = await factory.CreateClient().GetAsync("/v1/openapi.json", TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("3.1", (await response.JsonAsync()).GetProperty("openapi").GetString(), StringComparison.Ordinal);
    }
}
