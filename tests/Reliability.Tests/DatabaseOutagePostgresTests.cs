using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Npgsql;

namespace Akua.Reliability.Tests;

/// <summary>PostgreSQL goes away in the middle of a load (the node reaches it through a proxy the test cuts) and comes back.</summary>
public sealed class DatabaseOutagePostgresTests : OnDatabase<PostgresTestDatabase>
{
    [Fact]
    public async Task Requests_answer_503_quickly_while_theDatabase_is_away_the_node_recovers_by_itself_and_nothing_answered_is_lost()
    {
        Database.RequireAvailable();
        var direct = new NpgsqlConnectionStringBuilder(Database.Options.ConnectionString);
        await using var proxy = new TcpProxy(direct.Host!, direct.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2, CommandTimeout = 2 };
        var environment = Cluster.EnvironmentFor(Database.Options with { ConnectionString = viaProxy.ToString() });
        await using var node = ServerProcess.Start(Cluster.ContentRoot, environment);
        await Cluster.EnsureReadyAsync(node);
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (_, session, workspace) = await Api.SignUpAsync(http);

        var created = new ConcurrentBag<string>();
        var answers = new ConcurrentBag<(string What, int Status, double Ms)>();
        var clock = Stopwatch.StartNew();
        var run = TimeSpan.FromSeconds(9);
        var workers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < run; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var response = await Api.SendAsync(http, HttpMethod.Post, "/v1/api_tokens", session, workspace, new { name = $"outage-{w}-{i}" });
                answers.Add(("create", (int)response.StatusCode, Figures.Elapsed(started)));
                if ((int)response.StatusCode == 201)
                {
                    created.Add((await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("token").GetString()!);
                }
                else
                {
                    await AssertEnvelopeAsync(response, 503, "service_unavailable");
                }

                started = Stopwatch.GetTimestamp();
                var whoami = await Api.WhoAmIAsync(http, session, TestContext.Current.CancellationToken);
                answers.Add(("whoami", whoami, Figures.Elapsed(started)));
            }
        }, TestContext.Current.CancellationToken)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        var createdBeforeCut = created.Count;
        proxy.Cut();
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        var ready = await http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        await AssertEnvelopeAsync(ready, 503, "service_unavailable");
        var createdDuringCut = created.Count;
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        proxy.Restore();
        await Task.WhenAll(workers);

        // Every answer was a success or a quick 503; the node recovered without a restart.
        Assert.All(answers, a => Assert.True(a.Status is 200 or 201 or 503, $"{a.What} answered {a.Status}"));
        var unavailable = answers.Where(a => a.Status == 503).ToList();
        Assert.NotEmpty(unavailable);
        Assert.True(unavailable.Max(a => a.Ms) < 2000, $"a 503 took {unavailable.Max(a => a.Ms):0} ms");
        Assert.True(created.Count > createdDuringCut, "no token was created after the database came back");
        Assert.Equal(200, (int)(await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);

        // Nothing answered 201 is missing.
        foreach (var token in created)
        {
            Assert.Equal(200, await Api.WhoAmIAsync(http, token, TestContext.Current.CancellationToken));
        }

        Figures.Record("PostgreSQL outage: requests / 503 answers / slowest 503 (ms) / tokens answered 201 / lost",
            $"{answers.Count} / {unavailable.Count} / {unavailable.Max(a => a.Ms):0} / {created.Count} (before the cut {createdBeforeCut}) / 0");
    }

    private static async Task AssertEnvelopeAsync(HttpResponseMessage response, int status, string code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(code, body.GetProperty("error").GetProperty("code").GetString());
    }
}
