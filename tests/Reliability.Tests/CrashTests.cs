using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Akua.Infrastructure.Persistence;
using Akua.TestSupport;

namespace Akua.Reliability.Tests;

/// <summary>A server killed (SIGKILL) under a load of token creations, or stopped (SIGTERM) with requests in flight.</summary>
public abstract class CrashTests<TDatabase> : OnDatabase<TDatabase>
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task Killed_during_token_creations_every_token_answered_201_authenticates_after_restart_and_nothing_is_half_written()
    {
        Database.RequireAvailable();
        var environment = Cluster.EnvironmentFor(Database.Options);
        var created = new ConcurrentBag<(string Id, string Token)>();
        string session;
        string workspace;
        await using (var node = ServerProcess.Start(Cluster.ContentRoot, environment))
        {
            await Cluster.EnsureReadyAsync(node);
            using var http = new HttpClient { BaseAddress = node.BaseAddress };
            (_, session, workspace) = await Api.SignUpAsync(http);

            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var response = await Api.SendUntilAsync(http, HttpMethod.Post, "/v1/api_tokens", session, workspace, new { name = $"crash-{w}-{i}" }, stop.Token);
                        if ((int)response.StatusCode == 201)
                        {
                            var body = await response.Content.ReadFromJsonAsync<JsonElement>(stop.Token);
                            created.Add((body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!));
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or JsonException)
                    {
                        return; // the server died under this request: its answer never came, so it promised nothing
                    }
                }
            }, TestContext.Current.CancellationToken)).ToList();

            await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
            node.Crash();
            await Task.WhenAll(workers);
            await stop.CancelAsync();
        }

        Assert.True(created.Count > 10, $"only {created.Count} tokens were created before the kill");
        await using var restarted = ServerProcess.Start(Cluster.ContentRoot, environment);
        await Cluster.EnsureReadyAsync(restarted);
        using var client = new HttpClient { BaseAddress = restarted.BaseAddress };
        foreach (var (_, token) in created)
        {
            Assert.Equal(200, await Api.WhoAmIAsync(client, token, TestContext.Current.CancellationToken));
        }

        // Every row is whole: listed with its name and prefix; every answered token is among them.
        var listed = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await (await Api.SendAsync(client, HttpMethod.Get, "/v1/api_tokens?limit=100" + (cursor is null ? "" : $"&cursor={cursor}"), session, workspace))
                .Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            listed.AddRange(page.GetProperty("data").EnumerateArray());
            cursor = page.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.All(listed, t =>
        {
            Assert.StartsWith("crash-", t.GetProperty("name").GetString());
            Assert.StartsWith("sk_akua_", t.GetProperty("prefix").GetString());
        });
        var ids = listed.Select(t => t.GetProperty("id").GetString()).ToHashSet();
        Assert.All(created, c => Assert.Contains(c.Id, ids));
        Figures.Record($"{Database.Provider}: tokens answered 201 before SIGKILL / authenticating after restart / rows found",
            $"{created.Count} / {created.Count} / {listed.Count}");
    }

    [Fact]
    public async Task Sigterm_drains_requests_in_flight_and_flushes_the_last_use_buffer()
    {
        Database.RequireAvailable();
        // Last-use is only written at shutdown here: the periodic writer would otherwise hide a lost flush.
        var environment = Cluster.EnvironmentFor(Database.Options, new Dictionary<string, string> { ["LastUse__FlushInterval"] = "01:00:00" });
        string session;
        string workspace;
        string tokenId;
        var answered = 0;
        await using (var node = ServerProcess.Start(Cluster.ContentRoot, environment))
        {
            await Cluster.EnsureReadyAsync(node);
            using var http = new HttpClient { BaseAddress = node.BaseAddress };
            (_, session, workspace) = await Api.SignUpAsync(http);
            (tokenId, var token) = await Api.CreateTokenAsync(http, session, workspace);
            Assert.Equal(200, await Api.WhoAmIAsync(http, token, TestContext.Current.CancellationToken));

            // Twenty creations in flight, then SIGTERM: each one that was taken in is finished and answered.
            var inFlight = Enumerable.Range(0, 20).Select(async i =>
            {
                try
                {
                    var response = await Api.SendAsync(http, HttpMethod.Post, "/v1/api_tokens", session, workspace, new { name = $"drain-{i}" });
                    return (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    return 0; // refused: it reached the server after the listener had closed
                }
            }).ToList();
            await Task.Delay(30, TestContext.Current.CancellationToken);
            node.Terminate();
            var statuses = await Task.WhenAll(inFlight);
            Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.All(statuses, s => Assert.True(s is 201 or 0, $"a request in flight at SIGTERM got {s}"));
            answered = statuses.Count(s => s == 201);
        }

        await using var restarted = ServerProcess.Start(Cluster.ContentRoot, environment);
        await Cluster.EnsureReadyAsync(restarted);
        using var client = new HttpClient { BaseAddress = restarted.BaseAddress };
        var stored = await (await Api.SendAsync(client, HttpMethod.Get, $"/v1/api_tokens/{tokenId}", session, workspace))
            .Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(JsonValueKind.Number, stored.GetProperty("last_used_at").ValueKind);
        var listed = await (await Api.SendAsync(client, HttpMethod.Get, "/v1/api_tokens?limit=100", session, workspace))
            .Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(answered + 1, listed.GetProperty("data").GetArrayLength());
        Figures.Record($"{Database.Provider}: requests in flight at SIGTERM answered 201 (of 20)", answered);
    }
}

public sealed class CrashSqliteTests : CrashTests<SqliteTestDatabase>;

public sealed class CrashPostgresTests : CrashTests<PostgresTestDatabase>;
