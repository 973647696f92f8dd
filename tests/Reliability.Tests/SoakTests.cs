using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Akua.TestSupport;

namespace Akua.Reliability.Tests;

/// <summary>
/// A bounded soak: mixed load over loopback for AKUA_SOAK_SECONDS (60 by default; CI runs the default), then
/// memory must be flat: after the warm-up, the last quarter's resident memory is within 15 % of the second
/// quarter's. So must the tables that fill with what ends (device codes, revoked tokens and their usage,
/// revocation feed entries, signed-out sessions): retention runs every 5 s with graces of seconds, and device
/// codes live 5 s, so a minute holds many lifetimes. Every answer is 2xx or a documented 4xx. Paced (each worker
/// pauses 2 ms between requests): a sustained load, not a saturating one, so the suites that run beside it keep
/// some of the two cores.
/// </summary>
public sealed class SoakTests : OnDatabase<SqliteTestDatabase>
{
    [Fact]
    public async Task Mixed_load_for_a_bounded_time_keeps_memory_flat_and_never_fails()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("AKUA_SOAK_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 60;
        await using var node = ServerProcess.Start(Cluster.ContentRoot, Cluster.EnvironmentFor(Database.Options, new Dictionary<string, string>
        {
            ["DeviceAuthorization__CodeLifetime"] = "00:00:05",
            ["Retention__Interval"] = "00:00:05",
            ["Retention__CodesAfterExpiry"] = "00:00:00",
            ["Retention__ApiTokensAfterEnd"] = "00:00:05",
            ["RevocationFeed__KeepFor"] = "00:00:10",
        }));
        await Cluster.EnsureReadyAsync(node);
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        var (email, session, workspace) = await Api.SignUpAsync(http);
        var (_, token) = await Api.CreateTokenAsync(http, session, workspace);

        var statuses = new ConcurrentDictionary<int, long>();
        var memory = new List<double>();
        var rows = new List<Dictionary<string, long>>();
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var sampler = Task.Run(async () =>
        {
            while (clock.Elapsed < until)
            {
                memory.Add(node.ResidentMemoryMb());
                rows.Add(await CountRowsAsync());
                await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken);

        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < until; i++)
            {
                HttpResponseMessage response = (i % 10) switch
                {
                    0 or 1 or 2 => await Api.SendAsync(http, HttpMethod.Get, "/v1/auth/whoami", token),
                    3 or 4 => await Api.SendAsync(http, HttpMethod.Get, "/v1/auth/whoami", session),
                    5 => await Api.SendAsync(http, HttpMethod.Get, "/v1/api_tokens?limit=20", session, workspace),
                    6 => await CreateAndRevokeAsync(http, session, workspace, $"soak-{w}-{i}"),
                    7 => await http.PostAsync("/api/auth/device/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "cnap-cli" }), TestContext.Current.CancellationToken),
                    8 => await Api.SendAsync(http, HttpMethod.Get, $"/v1/api_tokens/tok_{Guid.NewGuid():N}", session, workspace),
                    _ => await Api.SendAsync(http, HttpMethod.Get, "/v1/auth/whoami", "sk_akua_" + Guid.NewGuid().ToString("N")[..32]),
                };
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                response.Dispose();
                await Task.Delay(2, TestContext.Current.CancellationToken);
                if (i % 500 == 0)
                {
                    // A sign-in and its sign-out: a session that ends, so the sessions table must not grow.
                    var signIn = await http.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = Api.Password }, TestContext.Current.CancellationToken);
                    statuses.AddOrUpdate((int)signIn.StatusCode, 1, (_, n) => n + 1);
                    if (signIn.IsSuccessStatusCode)
                    {
                        var signedIn = (await signIn.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("token").GetString();
                        var signOut = await Api.SendAsync(http, HttpMethod.Post, "/api/auth/sign-out", signedIn);
                        statuses.AddOrUpdate((int)signOut.StatusCode, 1, (_, n) => n + 1);
                    }
                }
            }
        }, TestContext.Current.CancellationToken)).ToList();
        await Task.WhenAll(workers);
        await sampler;

        Assert.All(statuses.Keys, status => Assert.True(status is 200 or 201 or 204 or 401 or 404, $"the soak saw {status} x{statuses[status]}"));
        var quarter = memory.Count / 4;
        var second = memory.Skip(quarter).Take(quarter).Average();
        var last = memory.Skip(memory.Count - quarter).Average();
        var total = statuses.Values.Sum();
        Figures.Record("soak: seconds / requests / req/s / RSS MB (2nd quarter -> last quarter, peak)",
            $"{seconds} / {total} / {total / seconds} / {second:0} -> {last:0}, {memory.Max():0}");
        Assert.True(last <= second * 1.15, $"memory grew from {second:0} MB to {last:0} MB");

        // Tables: the largest count of the last quarter against the largest of the second. Each table saws between
        // retention passes, so the peaks are compared, with a margin for a load that is not perfectly even.
        foreach (var table in Tables)
        {
            var secondPeak = rows.Skip(quarter).Take(quarter).Max(r => r[table]);
            var lastPeak = rows.Skip(rows.Count - quarter).Max(r => r[table]);
            Figures.Record($"soak: {table} rows, peak of the 2nd quarter -> peak of the last", $"{secondPeak} -> {lastPeak}");
            Assert.True(lastPeak <= secondPeak * 1.25 + 50, $"{table} grew from {secondPeak} rows to {lastPeak} during the soak");
        }
        Assert.Equal(200, (int)(await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);
    }

    private static readonly string[] Tables = ["DeviceCodes", "ApiTokens", "ApiTokenUsage", "Revocations", "Sessions"];

    private async Task<Dictionary<string, long>> CountRowsAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(Database.Options.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts[table] = (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }

        return counts;
    }

    private static async Task<HttpResponseMessage> CreateAndRevokeAsync(HttpClient http, string session, string workspace, string name)
    {
        var created = await Api.SendAsync(http, HttpMethod.Post, "/v1/api_tokens", session, workspace, new { name });
        if ((int)created.StatusCode != 201)
        {
            return created;
        }

        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetString();
        created.Dispose();
        return await Api.SendAsync(http, HttpMethod.Delete, $"/v1/api_tokens/{id}", session, workspace);
    }
}
