using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Akua.TestSupport;
using Npgsql;

namespace Akua.Reliability.Tests;

/// <summary>
/// docs/deploy.md run as written (issue 20): its blocks, in its order, on a fresh machine. The layout is moved
/// under a temporary folder (<see cref="Local"/>) and the example's names, addresses and ports are replaced by
/// this machine's (each replacement fails loudly if the guide no longer has the example); nothing else changes.
/// The release is published once, by the guide's own command, for all the tests here.
/// </summary>
public sealed class PublishedRelease : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("akua-deploy-").FullName;

    public string Home => Path.Combine(Root, "opt-akua");

    public string? Failure { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var (exit, output) = await DeployGuideTests.RunAsync(DeployGuide.Block("publish"), Repository.Root, new() { ["AKUA_HOME"] = Home }, TimeSpan.FromMinutes(10));
        Failure = exit == 0 && File.Exists(Path.Combine(Home, "Akua.WebApi.dll")) ? null : $"deploy:publish failed ({exit}): {output}";
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed partial class DeployGuideTests(PublishedRelease release) : OnDatabase<PostgresTestDatabase>, IClassFixture<PublishedRelease>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Etc => Path.Combine(release.Root, "etc-akua");

    private string Backups => Path.Combine(release.Root, "var-backups-akua");

    /// <summary>The guide's absolute paths, under this test's folder (the test runs unprivileged, on one host).</summary>
    private string Local(string text) => text
        .Replace("/opt/akua", release.Home, StringComparison.Ordinal)
        .Replace("/etc/akua", Etc, StringComparison.Ordinal)
        .Replace("/var/lib/akua", Path.Combine(release.Root, "var-lib-akua"), StringComparison.Ordinal)
        .Replace("/var/backups/akua", Backups, StringComparison.Ordinal)
        .Replace("/usr/bin/dotnet ", File.Exists("/usr/bin/dotnet") ? "/usr/bin/dotnet " : "dotnet ", StringComparison.Ordinal);

    [Fact]
    public async Task Three_nodes_behind_nginx_from_the_guide_alone()
    {
        Require();
        Directory.CreateDirectory(Etc);
        var nginxPort = Nginx.ReservePort();
        var publicUrl = $"https://localhost:{nginxPort}";

        // 3. The key-ring certificate.
        await RunOkAsync(DeployGuide.Block("keyring"), new() { ["AKUA_SECRETS"] = Path.Combine(Etc, "secrets") });
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Etc, "secrets", "keyring.env")));
        }

        // 4. The configuration, with this machine's database, proxy address and public URL. The three nodes share
        // one host here, so each is given its own metrics port instead of the file's one.
        var environmentFile = DeployGuide.Substitute(DeployGuide.Block("env"), new Dictionary<string, string>
        {
            ["https://auth.example.com"] = publicUrl,
            ["Host=db.internal;Database=akua;Username=akua;Password=change-me"] = Database.Options.ConnectionString,
            ["Proxy__KnownProxies=10.0.0.5"] = "Proxy__KnownProxies=127.0.0.1",
            ["Telemetry__PrometheusAllowedAddresses=10.0.1.5/32"] = "Telemetry__PrometheusAllowedAddresses=127.0.0.0/8",
            ["Telemetry__PrometheusUrl=http://0.0.0.0:9464\n"] = "",
        }, "env block");
        await File.WriteAllTextAsync(Path.Combine(Etc, "akua.env"), Local(environmentFile), Cancel);

        // 6. Migrate, start three nodes from the unit, nginx in front, the checks.
        await RunOkAsync(Local(DeployGuide.Block("migrate")));
        var nodes = new List<(ServerProcess Process, int MetricsPort)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await StartFromUnitAsync(ServerProcess.FreePort(), ServerProcess.FreePort()));
            }

            await using var proxy = await Nginx.StartAsync(nginxPort, nodes.Select(n => n.Process.BaseAddress));
            await RunOkAsync(DeployGuide.Substitute(DeployGuide.Block("check"), new Dictionary<string, string> { ["https://auth.example.com"] = publicUrl }, "check block"),
                new() { ["CURL_CA_BUNDLE"] = proxy.CertificatePath });

            // Real use through the proxy: an account, a token, and what the alerts count.
            using var client = proxy.ClientFrom("127.0.0.2");
            var (email, session, workspace) = await Api.SignUpAsync(client);
            var (_, token) = await Api.CreateTokenAsync(client, session, workspace);
            var whoami = await Api.SendAsync(client, HttpMethod.Get, "/v1/auth/whoami", token);
            Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
            Assert.Equal(401, (int)(await Api.SendAsync(client, HttpMethod.Get, "/v1/auth/whoami", "sk_akua_" + new string('x', 38))).StatusCode);
            var device = await client.PostAsync("/api/auth/device/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "cnap-cli" }), Cancel);
            var deviceCode = (await device.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("device_code").GetString()!;
            await client.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code", ["device_code"] = deviceCode, ["client_id"] = "cnap-cli",
            }), Cancel);
            HttpResponseMessage guess;
            do
            {
                guess = await client.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = "not the password" }, Cancel);
            }
            while (guess.StatusCode == HttpStatusCode.Unauthorized);
            Assert.Equal(HttpStatusCode.TooManyRequests, guess.StatusCode);

            // 10. Every metric and label the alert rules name is served by the nodes' scrape.
            var scrape = new System.Text.StringBuilder();
            foreach (var (_, metricsPort) in nodes)
            {
                using var prometheus = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
                scrape.Append(await prometheus.GetStringAsync("/metrics", Cancel));
            }

            var rules = DeployGuide.Block("alerts");
            var expressions = string.Join('\n', ExpressionLine().Matches(rules).Select(m => m.Groups["expr"].Value));
            var metrics = MetricName().Matches(expressions).Select(m => m.Value).Where(m => m != "up").Distinct().ToList(); // up: Prometheus's own
            Assert.NotEmpty(metrics);
            Assert.All(metrics, metric => Assert.Matches($"(?m)^{metric}[{{ ]", scrape.ToString()));
            foreach (Match label in LabelName().Matches(expressions).Where(m => m.Groups["label"].Value != "job")) // job: Prometheus's own
            {
                Assert.Contains(label.Groups["label"].Value + "=\"", scrape.ToString(), StringComparison.Ordinal);
            }

            // 9. Rotating the key-ring certificate, every step, with a login form made before it posted after it.
            using var browser = proxy.ClientFrom("127.0.0.3"); // keeps its cookies, as a browser does
            var formToken = BrowserSession.AntiforgeryTokenOf(await browser.GetStringAsync("/login", Cancel));
            var old = await File.ReadAllTextAsync(Path.Combine(Etc, "secrets", "keyring.env"), Cancel);
            await RunOkAsync(DeployGuide.Block("keyring"), new() { ["AKUA_SECRETS"] = Path.Combine(Etc, "secrets", "next") });
            var next = await File.ReadAllTextAsync(Path.Combine(Etc, "secrets", "next", "keyring.env"), Cancel);
            var rotation = DeployGuide.Substitute(DeployGuide.Block("rotate-env"), new Dictionary<string, string>
            {
                ["new-password"] = next.Trim().Split('=', 2)[1],
                ["old-password"] = old.Trim().Split('=', 2)[1],
            }, "rotate-env block");
            await File.WriteAllTextAsync(Path.Combine(Etc, "secrets", "keyring.env"), Local(rotation), Cancel);
            nodes = await RestartOneByOneAsync(nodes);
            var rewrap = await RunOkAsync(Local(DeployGuide.Block("rewrap")));
            Assert.Matches(@"akua: [1-9]\d* of \d+ keys of the key ring encrypted again", rewrap);
            await File.WriteAllLinesAsync(Path.Combine(Etc, "secrets", "keyring.env"),
                Local(rotation).Split('\n').Where(line => !line.Contains("PreviousCertificates", StringComparison.Ordinal)), Cancel);
            nodes = await RestartOneByOneAsync(nodes);
            var posted = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = email, ["Password"] = Api.Password, ["__RequestVerificationToken"] = formToken,
            }), Cancel);
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode); // the old key, read with the new certificate only
            Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(client, HttpMethod.Get, "/v1/auth/whoami", token)).StatusCode);
        }
        finally
        {
            foreach (var (node, _) in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_PostgreSQL_backup_restores_with_every_token_made_before_it()
    {
        Require();
        var environment = Cluster.EnvironmentFor(Database.Options);
        string session;
        await using (var node = ServerProcess.Start(Cluster.ContentRoot, environment))
        {
            await Cluster.EnsureReadyAsync(node);
            using var http = new HttpClient { BaseAddress = node.BaseAddress };
            (_, session, _) = await Api.SignUpAsync(http);
        }

        var folder = Directory.CreateTempSubdirectory("akua-pgdump-").FullName;
        var source = new NpgsqlConnectionStringBuilder(Database.Options.ConnectionString);
        var restoredName = "akua_restore_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var libpq = new Dictionary<string, string>
        {
            ["PGHOST"] = source.Host!, ["PGPORT"] = source.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = source.Username!, ["PGDATABASE"] = source.Database!, ["PGPASSWORD"] = source.Password ?? "",
        };

        await RunOkAsync(DeployGuide.Block("backup"), libpq, folder);
        Assert.Single(Directory.GetFiles(folder, "akua-*.dump"));
        try
        {
            // The nodes' user here is the test server's own.
            await RunOkAsync(DeployGuide.Substitute(DeployGuide.Block("restore"), new Dictionary<string, string>
            {
                ["akua_restore"] = restoredName,
                ["--owner=akua"] = $"--owner={source.Username}",
                ["--role=akua"] = $"--role={source.Username}",
            }, "restore block"), libpq, folder);

            var restored = new Akua.Infrastructure.Persistence.DatabaseOptions(Akua.Infrastructure.Persistence.DatabaseProvider.PostgreSQL,
                new NpgsqlConnectionStringBuilder(Database.Options.ConnectionString) { Database = restoredName }.ToString());
            await using var node = ServerProcess.Start(Cluster.ContentRoot, Cluster.EnvironmentFor(restored));
            await Cluster.EnsureReadyAsync(node);
            using var http = new HttpClient { BaseAddress = node.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(http, HttpMethod.Get, "/v1/auth/whoami", session)).StatusCode);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(TestEnvironment.Postgres);
            await admin.OpenAsync(Cancel);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{restoredName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(Cancel);
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_SQLite_node_is_backed_up_while_it_serves_and_restores_with_its_key_ring()
    {
        RequireTool("/usr/bin/sqlite3", "sqlite3");
        var state = Path.Combine(release.Root, "var-lib-akua");
        Directory.CreateDirectory(state);
        await using var node = ServerProcess.Start(state);
        Assert.True(await node.WaitUntilReadyAsync(Patience), node.StandardError);
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        var (_, session, workspace) = await Api.SignUpAsync(http);
        var (_, token) = await Api.CreateTokenAsync(http, session, workspace);

        await RunOkAsync(Local(DeployGuide.Block("sqlite-backup")));

        // Restored on another machine: the backup's file and key ring as data/ of a new content root.
        var restoredRoot = Directory.CreateTempSubdirectory("akua-restored-").FullName;
        Directory.CreateDirectory(Path.Combine(restoredRoot, "data"));
        File.Copy(Path.Combine(Backups, "akua.db"), Path.Combine(restoredRoot, "data", "akua.db"));
        await RunOkAsync($"cp -a '{Path.Combine(Backups, "akua-keys")}' '{Path.Combine(restoredRoot, "data")}/'");
        await using (var restored = ServerProcess.Start(restoredRoot))
        {
            Assert.True(await restored.WaitUntilReadyAsync(Patience), restored.StandardError);
            using var again = new HttpClient { BaseAddress = restored.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(again, HttpMethod.Get, "/v1/auth/whoami", token)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(again, HttpMethod.Get, "/v1/auth/whoami", session)).StatusCode);
        }

        Directory.Delete(restoredRoot, recursive: true);
    }

    [Fact]
    public async Task The_unit_passes_systemd_analyze_verify()
    {
        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            Assert.Skip("systemd-analyze is not installed here: the unit's ExecStart and environment are still run by Three_nodes_behind_nginx_from_the_guide_alone");
        }

        Assert.Null(release.Failure);
        var folder = Directory.CreateTempSubdirectory("akua-unit-").FullName;
        var unit = Path.Combine(folder, "akua@8080.service");
        // Checked as written, paths and all, except the binary when this machine's dotnet lives elsewhere.
        var text = DeployGuide.Block("unit");
        if (!File.Exists("/usr/bin/dotnet"))
        {
            text = text.Replace("/usr/bin/dotnet", Environment.ProcessPath!, StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(unit, text.Replace("/opt/akua/Akua.WebApi.dll", Path.Combine(release.Home, "Akua.WebApi.dll"), StringComparison.Ordinal)
            .Replace("WorkingDirectory=/opt/akua", $"WorkingDirectory={release.Home}", StringComparison.Ordinal), Cancel);
        var (exit, output) = await RunAsync($"systemd-analyze verify --man=no '{unit}'", folder, [], TimeSpan.FromMinutes(1));
        // It may warn about what this machine lacks (the akua user, the environment files); not about the unit.
        var problems = output.Split('\n').Where(l => l.Contains("akua@8080.service", StringComparison.Ordinal)
            && !l.Contains("EnvironmentFile", StringComparison.Ordinal) && !l.Contains("user", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(problems.Count == 0, $"systemd-analyze verify ({exit}): {output}");
        Directory.Delete(folder, recursive: true);
    }

    private void Require()
    {
        Assert.True(release.Failure is null, release.Failure);
        Database.RequireAvailable();
        Nginx.RequireAvailable();
        RequireTool("/usr/bin/openssl", "openssl");
        RequireTool("/usr/bin/pg_dump", "postgresql-client");
    }

    private static void RequireTool(string path, string package)
    {
        if (File.Exists(path))
        {
            return;
        }

        if (TestEnvironment.IsCi)
        {
            Assert.Fail($"The deployment guide suite may not skip under CI=true: no {path} (apt-get install {package})");
        }

        Assert.Skip($"Deployment guide suite skipped: no {path} (apt-get install {package})");
    }

    /// <summary>A node as systemd starts <c>akua@&lt;port&gt;</c>: the unit's working directory, environment files, environment and command.</summary>
    private async Task<(ServerProcess, int)> StartFromUnitAsync(int port, int metricsPort)
    {
        var unit = Local(DeployGuide.Block("unit").Replace("%i", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        string Setting(string key) => unit.Split('\n').Single(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];
        var environment = new Dictionary<string, string>();
        foreach (var file in unit.Split('\n').Where(l => l.StartsWith("EnvironmentFile=", StringComparison.Ordinal)).Select(l => l["EnvironmentFile=".Length..]))
        {
            foreach (var (key, value) in ReadEnvironmentFile(file))
            {
                environment[key] = value;
            }
        }

        foreach (var line in unit.Split('\n').Where(l => l.StartsWith("Environment=", StringComparison.Ordinal)))
        {
            var pair = line["Environment=".Length..].Split('=', 2);
            environment[pair[0]] = pair[1];
        }

        environment["Telemetry__PrometheusUrl"] = $"http://127.0.0.1:{metricsPort}";
        environment["ASPNETCORE_URLS"] = environment["ASPNETCORE_URLS"].Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal); // loopback only, here
        var command = Setting("ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var node = ServerProcess.Exec(port, command[0], command[1..], Setting("WorkingDirectory"), environment);
        if (!await node.WaitUntilReadyAsync(Patience))
        {
            await node.DisposeAsync(); // not left listening for the next test
            Assert.Fail(node.StandardOutput + node.StandardError);
        }

        return (node, metricsPort);
    }

    private async Task<List<(ServerProcess Process, int MetricsPort)>> RestartOneByOneAsync(List<(ServerProcess Process, int MetricsPort)> nodes)
    {
        var restarted = new List<(ServerProcess, int)>();
        foreach (var (node, metricsPort) in nodes)
        {
            node.Terminate();
            await node.WaitForExitAsync(Patience);
            await node.DisposeAsync();
            restarted.Add(await StartFromUnitAsync(node.Port, metricsPort));
        }

        return restarted;
    }

    /// <summary>systemd's EnvironmentFile: KEY=VALUE lines, comments and blank lines skipped, one pair of quotes removed.</summary>
    private static IEnumerable<(string Key, string Value)> ReadEnvironmentFile(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('=', 2))
            .Select(p => (p[0].Trim(), p[1].Length >= 2 && p[1][0] == '"' && p[1][^1] == '"' ? p[1][1..^1] : p[1]));

    private async Task<string> RunOkAsync(string script, Dictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var (exit, output) = await RunAsync(script, workingDirectory ?? release.Root, environment ?? [], TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"exit {exit} from:\n{script}\n{output}");
        return output;
    }

    /// <summary>A block as bash runs it (<c>-euo pipefail</c>: a failing line fails the block); its exit and output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string script, string workingDirectory, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bounded = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"expr: (?<expr>.+)$", RegexOptions.Multiline)]
    private static partial Regex ExpressionLine();

    /// <summary>Metric names in an expression: identifiers not followed by '(' (functions) and not PromQL keywords or label names.</summary>
    [GeneratedRegex(@"\b(akua_[a-z_]+|http_server_[a-z_]+|up)\b(?!\s*=~?"")(?!\s*\))")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"(?<label>[a-z_]+)\s*=~?""|by \((?<label>[a-z_]+)\)")]
    private static partial Regex LabelName();
}
