using System.Globalization;
using Npgsql;

namespace Akua.Bench;

/// <summary>
/// <c>bench/run.sh --scaling --postgres ...</c>: the check of docs/scaling.md's model against three real nodes on one
/// PostgreSQL. Each node gets its own wrk cycling through the same 10,000 workspace tokens (a load balancer that
/// spreads every client over every node: the model's worst case). The cache's maximum age and the last-use window are
/// shortened to 15 s so that a run of a minute and a half spans six of each; the model is linear in both. It prints
/// what the model predicts beside what the nodes' own counters and PostgreSQL's statistics measured.
/// </summary>
internal static class Scaling
{
    private const int Nodes = 3;
    private const int Tokens = 10_000;
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15); // CredentialCache:MaxAge and LastUse:CoalesceWindow
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5); // LastUse:FlushInterval's default
    private const double PollsPerSecond = 4; // RevocationFeed:PollInterval, 250 ms
    private const double HeartbeatsPerSecond = 50; // RevocationFeed:HeartbeatInterval, 20 ms

    // PostgreSQL reports a backend's statistics when it goes idle, at most once a second and within 10 s.
    private static readonly TimeSpan StatisticsDelay = TimeSpan.FromSeconds(11);

    public static async Task<int> RunAsync(string dll, string postgres, int seconds)
    {
        var work = Directory.CreateTempSubdirectory("akua-scaling-").FullName;
        var database = "akua_scaling_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        await using (var admin = new NpgsqlConnection(postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ToString();
        var keyRing = Path.Combine(work, "keyring.pfx");
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSQL",
            ["ConnectionStrings__Akua"] = connection,
            ["DataProtection__CertificatePath"] = keyRing,
            ["DataProtection__CertificatePassword"] = Server.KeyRingCertificate(keyRing),
            ["Telemetry__Prometheus"] = "true",
            ["RateLimits__SignUpsPerHour"] = "1000000",
            ["Serilog__MinimumLevel__Default"] = "Warning",
            ["CredentialCache__MaxAge"] = Period.ToString(),
            ["LastUse__CoalesceWindow"] = Period.ToString(),
        };
        await using (await Server.StartAsync(dll, environment, "migrate"))
        {
        }

        var nodes = new List<Server>();
        try
        {
            for (var i = 0; i < Nodes; i++)
            {
                nodes.Add(await Server.StartAsync(dll, environment));
            }

            var credentials = await Credentials.CreateAsync(nodes[0].BaseAddress, deviceCodes: 0);
            var tokens = Path.Combine(work, "tokens.txt");
            await File.WriteAllLinesAsync(tokens, await credentials.CreateTokensAsync(nodes[0].BaseAddress, Tokens));
            var cycle = Wrk.WhoamiCycle(Path.Combine(work, "cycle.lua"), tokens, seeded: true);
            Console.WriteLine($"== scaling check: {Nodes} nodes on one PostgreSQL, {Tokens:N0} workspace tokens, each node's own wrk (-t2 -c16) cycling through all of them;"
                + $" CredentialCache:MaxAge = LastUse:CoalesceWindow = {Period.TotalSeconds:0} s; {seconds} s measured");

            // Warm-up: one period of the same traffic, so the caches hold every token and last use is in its steady state.
            await DriveAsync(nodes, cycle, (int)Period.TotalSeconds);
            await Task.Delay(StatisticsDelay);

            await using var stats = new NpgsqlConnection(connection);
            await stats.OpenAsync();
            var databaseBefore = await DatabaseStatisticsAsync(stats);
            var nodesBefore = await Task.WhenAll(nodes.Select(n => n.CountersAsync()));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var results = await DriveAsync(nodes, cycle, seconds);
            var nodesAfter = await Task.WhenAll(nodes.Select(n => n.CountersAsync()));
            var driven = clock.Elapsed.TotalSeconds;
            await Task.Delay(StatisticsDelay);
            var databaseAfter = await DatabaseStatisticsAsync(stats);
            var elapsed = clock.Elapsed.TotalSeconds; // what PostgreSQL's figures span: the run and the wait for its statistics

            var delta = nodesAfter.Zip(nodesBefore, (a, b) => a - b).ToList();
            var total = delta.Aggregate((a, b) => a + b);
            var requests = results.Sum(r => r.Requests);
            var nonOk = results.Sum(r => r.Non2xx);

            // The model (docs/scaling.md), with this run's N, C and periods.
            var predictedMisses = Nodes * Tokens / Period.TotalSeconds;
            var predictedWritten = Nodes * Tokens / Period.TotalSeconds;
            var predictedFlushes = Nodes / FlushInterval.TotalSeconds;
            var measuredFlushes = total.Flushes / driven;
            var predictedTransactions = predictedMisses * driven / elapsed + Nodes * (PollsPerSecond + HeartbeatsPerSecond) + predictedFlushes;

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"requests: {requests / driven:0}/s over the {Nodes} nodes ({string.Join(", ", results.Select(r => r.RequestsPerSecond.ToString("0", CultureInfo.InvariantCulture)))}), {nonOk} not 2xx"));
            Console.WriteLine($"{"per second, whole cluster",-44} {"model",10} {"measured",10} {"ratio",6}");
            void Line(string what, double model, double measured) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{what,-44} {model,10:0.0} {measured,10:0.0} {measured / model,6:0.00}"));
            Line("credential cache misses (N x C / MaxAge)", predictedMisses, total.CacheMisses / driven);
            Line("feed polls (N x 4)", Nodes * PollsPerSecond, (total.Commands - total.RequestCommands - total.FlushStatements) / driven);
            Line("last-use rows written (N x C / window)", predictedWritten, total.CredentialsWritten / driven);
            Line("last-use flushes (at most N / 5 s)", predictedFlushes, measuredFlushes);
            Line("last-use statements (at most 3 per flush)", 3 * predictedFlushes, total.FlushStatements / driven);
            Line("ApiTokens rows updated (PostgreSQL)", predictedWritten * driven / elapsed, (databaseAfter.TokenUpdates - databaseBefore.TokenUpdates) / elapsed);
            Line("ApiTokenUsage rows upserted (PostgreSQL)", predictedWritten * driven / elapsed, (databaseAfter.UsageWrites - databaseBefore.UsageWrites) / elapsed);
            Line("transactions (PostgreSQL, xact_commit)", predictedTransactions, (databaseAfter.Commits - databaseBefore.Commits) / elapsed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"the nodes' own count of database commands: {total.RequestCommands / driven:0.0}/s for requests, {(total.Commands - total.RequestCommands) / driven:0.0}/s in the background; heartbeats are not counted there ({Nodes * HeartbeatsPerSecond:0}/s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"per node: misses {string.Join(" / ", delta.Select(d => (d.CacheMisses / driven).ToString("0", CultureInfo.InvariantCulture)))}/s; rows written {string.Join(" / ", delta.Select(d => (d.CredentialsWritten / driven).ToString("0", CultureInfo.InvariantCulture)))}/s; statements per flush {string.Join(" / ", delta.Select(d => (d.FlushStatements / (double)Math.Max(1, d.Flushes)).ToString("0.0", CultureInfo.InvariantCulture)))}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PostgreSQL spans {elapsed:0.0} s (the run and {StatisticsDelay.TotalSeconds:0} s for its statistics to arrive); request-driven figures are scaled to it, the nodes' own to the {driven:0.0} s of traffic"));
            return nonOk == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static Task<WrkResult[]> DriveAsync(List<Server> nodes, string script, int seconds) =>
        Task.WhenAll(nodes.Select(n => Wrk.RunAsync(new Uri(n.BaseAddress, "/v1/auth/whoami"), seconds, 16, script)));

    private static async Task<(long Commits, long TokenUpdates, long UsageWrites)> DatabaseStatisticsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
                   (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'ApiTokens'),
                   (SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE relname = 'ApiTokenUsage')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
