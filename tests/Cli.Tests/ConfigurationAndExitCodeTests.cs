using Akua.TestSupport;

namespace Akua.Cli.Tests;

/// <summary>Where settings come from, and the exit code of each failure class.</summary>
public sealed class ConfigurationAndExitCodeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_environment_beats_the_config_file()
    {
        var (email, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);
        (await cnap.RunAsync("auth", "login", "--token", session)).Expect(ExitCodes.Ok);
        var (otherEmail, otherSession) = await server.SignUpAsync();

        cnap.Environment["AKUA_API_TOKEN"] = otherSession;
        var status = (await cnap.RunAsync("auth", "status", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(otherEmail, status.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal("environment", status.GetProperty("source").GetString());
        Assert.NotEqual(email, otherEmail);

        // The file names a dead API; the environment's wins.
        var yaml = await File.ReadAllTextAsync(cnap.ConfigPath, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(cnap.ConfigPath, yaml.Replace(server.ApiUrl, $"http://127.0.0.1:{ServerProcess.FreePort()}", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.Ok);

        // And a flag beats the environment.
        (await cnap.RunAsync("auth", "status", "--api-url", $"http://127.0.0.1:{ServerProcess.FreePort()}")).Expect(ExitCodes.Retryable);
    }

    [Fact]
    public async Task CNAP_CONFIG_and_config_choose_another_file()
    {
        var (_, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);
        var other = Path.Combine(cnap.Home, "elsewhere", "cnap.yaml");
        cnap.Environment["CNAP_CONFIG"] = other;

        (await cnap.RunAsync("auth", "login", "--token", session)).Expect(ExitCodes.Ok);

        Assert.True(File.Exists(other));
        Assert.False(File.Exists(cnap.ConfigPath));
        var flagged = Path.Combine(cnap.Home, "flagged.yaml");
        (await cnap.RunAsync("auth", "login", "--token", session, "--config", flagged)).Expect(ExitCodes.Ok);
        Assert.True(File.Exists(flagged));
    }

    [Fact]
    public async Task Not_logged_in_is_exit_3()
    {
        using var cnap = new Cnap(server.ApiUrl);

        (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.NotAuthenticated);
        (await cnap.RunAsync("auth", "tokens", "list")).Expect(ExitCodes.NotAuthenticated);
        cnap.Environment["AKUA_API_TOKEN"] = "00000000000000000000000000000000";
        (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.NotAuthenticated);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("auth", "tokens", "create")]
    [InlineData("auth", "tokens", "create", "--name", "x", "--role", "owner")]
    [InlineData("auth", "tokens", "create", "--name", "x", "--expires-in", "soon")]
    [InlineData("--output", "yaml", "auth", "status")]
    public async Task A_usage_error_is_exit_2(params string[] args)
    {
        var (_, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);
        cnap.Environment["AKUA_API_TOKEN"] = session;

        var result = (await cnap.RunAsync(args)).Expect(ExitCodes.Usage);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task An_unreachable_server_is_exit_6_with_a_clear_message()
    {
        using var cnap = new Cnap($"http://127.0.0.1:{ServerProcess.FreePort()}");

        var result = (await cnap.RunAsync("auth", "login", "--no-browser")).Expect(ExitCodes.Retryable);

        Assert.Contains("Cannot reach the Akua API", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Err, StringComparison.Ordinal);
    }
}

/// <summary>The rate limit exit code, against a server that allows one device login a minute.</summary>
public sealed class RateLimitExitCodeTests(LowLimitServerFixture server) : IClassFixture<LowLimitServerFixture>
{
    [Fact]
    public async Task A_rate_limited_login_is_exit_6()
    {
        using var cnap = new Cnap(server.ApiUrl);
        using var stop = new CancellationTokenSource();
        var err = new ConcurrentStringWriter();
        var first = cnap.RunAsync(["auth", "login", "--no-browser"], stop.Token, err);
        while (!err.ToString().Contains("Your code", StringComparison.Ordinal) && !first.IsCompleted)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        await first;

        var limited = (await cnap.RunAsync("auth", "login", "--no-browser")).Expect(ExitCodes.Retryable);
        Assert.Contains("too many", limited.Err, StringComparison.OrdinalIgnoreCase);
    }
}
