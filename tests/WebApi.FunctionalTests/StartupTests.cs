using Akua.TestSupport;

namespace Akua.WebApi.FunctionalTests;

/// <summary>The server as an operator starts it: a real process, its exit code and what it prints.</summary>
public sealed class StartupTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("akua-startup-").FullName;

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    [Fact]
    public async Task With_no_configuration_it_runs_on_a_new_SQLite_file_and_is_ready()
    {
        await using var server = ServerProcess.Start(_contentRoot);

        Assert.True(await server.WaitUntilReadyAsync(Patience), server.StandardOutput + server.StandardError);
        Assert.True(File.Exists(Path.Combine(_contentRoot, "data", "akua.db")));

        // Outside Development the log is compact JSON, one event a line, each request's line with its id.
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var response = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);
        var requestId = response.Headers.GetValues("X-Request-Id").Single();
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var events = server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _)));
        Assert.Contains(events, e => e.TryGetProperty("RequestId", out var id) && id.GetString() == requestId);
    }

    [Theory]
    [InlineData("ASPNETCORE_URLS", "http://127.0.0.1:{port}")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "{port}")]
    [InlineData("Urls", "http://127.0.0.1:{port}")]
    public async Task It_listens_where_the_standard_variables_say(string variable, string value)
    {
        // With a scrape of its own (Telemetry:PrometheusUrl, added to the addresses), the default in appsettings.json
        // once outranked ASPNETCORE_URLS: the server listened on localhost:5080 while the systemd unit named another
        // port (found by DeployGuideTests).
        var port = ServerProcess.FreePort();
        var metricsPort = ServerProcess.FreePort();
        // As systemd starts it (docs/deploy.md): in the build's folder, so its appsettings.json is read.
        await using var server = ServerProcess.Exec(port, "dotnet", [ServerProcess.ServerDll], Path.GetDirectoryName(ServerProcess.ServerDll)!, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Akua"] = $"Data Source={Path.Combine(_contentRoot, "akua.db")}",
            ["Akua__PublicUrl"] = $"http://127.0.0.1:{port}",
            ["Telemetry__Prometheus"] = "true",
            ["Telemetry__PrometheusUrl"] = $"http://127.0.0.1:{metricsPort}",
            [variable] = value.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
        });

        Assert.True(await server.WaitUntilReadyAsync(Patience), server.StandardOutput + server.StandardError);
        using var scrape = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        Assert.Equal(200, (int)(await scrape.GetAsync("/metrics", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_provider_gives_one_clear_line_and_a_non_zero_exit()
    {
        await using var server = ServerProcess.Start(_contentRoot, new Dictionary<string, string> { ["Database__Provider"] = "Oracle" });

        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.NotEqual(0, exitCode);
        AssertOneLine(server, "Unknown Database:Provider 'Oracle'");
    }

    [Theory]
    [InlineData("")]
    [InlineData("auth.example.com")]
    [InlineData("ftp://auth.example.com")]
    [InlineData("https://auth.example.com/?tenant=1")]
    public async Task Outside_development_the_public_url_is_required_and_must_be_an_http_url(string value)
    {
        // Without it the issuer followed the request's Host header, which any client chooses.
        await using var server = ServerProcess.Start(_contentRoot, new Dictionary<string, string> { ["Akua__PublicUrl"] = value });

        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.NotEqual(0, exitCode);
        AssertOneLine(server, "Akua:PublicUrl");
    }

    [Fact]
    public async Task A_key_ring_certificate_that_does_not_load_gives_one_clear_line_and_a_non_zero_exit()
    {
        await using var server = ServerProcess.Start(_contentRoot, new Dictionary<string, string>
        {
            ["DataProtection__CertificatePath"] = Path.Combine(_contentRoot, "missing.pfx"),
        });

        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.NotEqual(0, exitCode);
        AssertOneLine(server, "DataProtection:CertificatePath");
    }

    [Fact]
    public async Task An_unreachable_server_database_gives_one_clear_line_and_a_non_zero_exit()
    {
        var closedPort = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(_contentRoot, new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSQL",
            ["ConnectionStrings__Akua"] = $"Host=127.0.0.1;Port={closedPort};Username=nobody;Timeout=3",
            ["DataProtection__CertificatePath"] = KeyRingCertificate.Path,
            ["DataProtection__CertificatePassword"] = KeyRingCertificate.Password,
        });

        var exitCode = await server.WaitForExitAsync(Patience);

        Assert.NotEqual(0, exitCode);
        AssertOneLine(server, "Cannot reach the PostgreSQL database");
    }

    [Fact]
    public async Task A_server_database_is_refused_until_migrated_and_without_a_key_ring_certificate()
    {
        var database = new PostgresTestDatabase { Migrate = false };
        await database.InitializeAsync();
        try
        {
            database.RequireAvailable();
            var environment = new Dictionary<string, string>(KeyRingCertificate.Environment())
            {
                ["Database__Provider"] = "PostgreSQL",
                ["ConnectionStrings__Akua"] = database.Options.ConnectionString,
            };

            await using (var refused = ServerProcess.Start(_contentRoot, environment))
            {
                Assert.NotEqual(0, await refused.WaitForExitAsync(Patience));
                AssertOneLine(refused, "behind the code");
            }

            await using (var migrate = ServerProcess.Start(_contentRoot, environment, "migrate"))
            {
                Assert.Equal(0, await migrate.WaitForExitAsync(Patience));
            }

            // Migrated, it still refuses to keep its key ring unencrypted in the shared database (ADR 0018).
            var unencrypted = new Dictionary<string, string>(environment);
            unencrypted.Remove("DataProtection__CertificatePath");
            unencrypted.Remove("DataProtection__CertificatePassword");
            await using (var refusedWithoutCertificate = ServerProcess.Start(_contentRoot, unencrypted))
            {
                Assert.NotEqual(0, await refusedWithoutCertificate.WaitForExitAsync(Patience));
                AssertOneLine(refusedWithoutCertificate, "DataProtection:CertificatePath is required in Production on PostgreSQL");
            }

            await using var server = ServerProcess.Start(_contentRoot, environment);
            Assert.True(await server.WaitUntilReadyAsync(Patience), server.StandardOutput + server.StandardError);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private static void AssertOneLine(ServerProcess server, string expected)
    {
        var lines = server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.StandardOutput + server.StandardError, StringComparison.Ordinal);
    }
}
