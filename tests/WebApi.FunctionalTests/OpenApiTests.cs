using System.Text.Json;
using System.Text.Json.Nodes;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// The served OpenAPI document describes every /v1 route and matches the committed copy in docs/openapi.json.
/// After an intended API change, refresh the copy with <c>AKUA_UPDATE_OPENAPI=1 dotnet test --filter OpenApiTests</c>.
/// </summary>
public sealed class OpenApiTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    private static readonly string CommittedPath = Path.Combine(Repository.Root, "docs", "openapi.json");

    private async Task<JsonNode> ServedAsync()
    {
        var text = await factory.CreateClient().GetStringAsync("/v1/openapi.json", TestContext.Current.CancellationToken);
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task The_served_document_matches_the_committed_copy()
    {
        var served = (await ServedAsync()).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("AKUA_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CommittedPath, served, TestContext.Current.CancellationToken);
        }

        var committed = await File.ReadAllTextAsync(CommittedPath, TestContext.Current.CancellationToken);
        Assert.True(committed == served, "docs/openapi.json differs from the served document; if the change is intended, run: AKUA_UPDATE_OPENAPI=1 dotnet test --filter OpenApiTests");
    }

    [Fact]
    public async Task Every_v1_route_is_described()
    {
        var paths = (await ServedAsync())["paths"]!.AsObject();
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/').TrimEnd('/'))
            .Where(r => r.StartsWith("/v1/", StringComparison.Ordinal) && r != "/v1/openapi.json")
            .Distinct().ToList();

        Assert.True(routes.Count >= 10, $"only {routes.Count} routes found");
        Assert.All(routes, route => Assert.True(paths.ContainsKey(route) || paths.ContainsKey(route + "/"), $"{route} is not in the document"));
    }

    [Fact]
    public async Task The_document_carries_the_bearer_scheme_the_context_header_and_the_error_envelope()
    {
        var document = await ServedAsync();

        Assert.Equal("http", (string?)document["components"]!["securitySchemes"]!["bearer"]!["type"]);
        Assert.NotNull(document["components"]!["schemas"]!["ErrorEnvelope"]);
        var listInstalls = document["paths"]!["/v1/installs"]!["get"]!;
        Assert.Contains(listInstalls["parameters"]!.AsArray(), p => (string?)p!["name"] == "Akua-Context" && (string?)p["in"] == "header");
        Assert.Equal("#/components/schemas/ErrorEnvelope", (string?)listInstalls["responses"]!["403"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        var whoami = document["paths"]!["/v1/auth/whoami"]!["get"]!;
        Assert.DoesNotContain(whoami["parameters"]?.AsArray() ?? [], p => (string?)p!["name"] == "Akua-Context");
    }
}
