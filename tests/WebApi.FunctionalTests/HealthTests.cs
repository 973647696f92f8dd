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

    [Fact]
    public async Task The_openapi_document_is_served()
    {
        var response = await factory.CreateClient().GetAsync("/v1/openapi.json", TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("3.1", (await response.JsonAsync()).GetProperty("openapi").GetString(), StringComparison.Ordinal);
    }
}
