using System.Text.RegularExpressions;
using Akua.TestSupport;

namespace Akua.Cli.Tests;

/// <summary><c>cnap auth login</c> through a real approval, then status, token and logout.</summary>
public sealed partial class LoginTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Waits until the running login has printed its code.</summary>
    private static async Task<string> UserCodeAsync(ConcurrentStringWriter err, Task running)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            if (UserCode().Match(err.ToString()) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new InvalidOperationException("The login printed no code: " + err);
    }

    [Fact]
    public async Task Login_with_approval_in_the_browser_then_status_token_and_logout()
    {
        var (email, _) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);
        var err = new ConcurrentStringWriter();

        var login = cnap.RunAsync(["auth", "login", "--no-browser"], TestContext.Current.CancellationToken, err);
        var code = await UserCodeAsync(err, login);
        Assert.Contains($"{server.ApiUrl}/device?user_code={code}", err.ToString(), StringComparison.Ordinal);
        var browser = await BrowserSession.SignInAsync(BrowserSession.CookieClient(server.BaseAddress), email, ServerFixture.Password);
        await browser.DecideAsync(code, approve: true);
        (await login.WaitAsync(Patience, TestContext.Current.CancellationToken)).Expect(ExitCodes.Ok);

        // The token is stored in a file only its owner can read, in a folder only its owner can enter.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cnap.ConfigPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(cnap.ConfigPath)!));
        }
        var yaml = await File.ReadAllTextAsync(cnap.ConfigPath, TestContext.Current.CancellationToken);
        Assert.Contains("active_workspace: ws_", yaml, StringComparison.Ordinal);

        var token = (await cnap.RunAsync("auth", "token")).Expect(ExitCodes.Ok).Out.Trim();
        Assert.Matches("^[A-Za-z0-9]{32}$", token);
        Assert.Contains($"token: {token}", yaml, StringComparison.Ordinal);
        Assert.Equal(200, await server.WhoAmIStatusAsync(token));

        var table = (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.Ok).Out;
        Assert.Contains("session", table, StringComparison.Ordinal);
        Assert.Contains(email, table, StringComparison.Ordinal);
        Assert.DoesNotContain(token, table, StringComparison.Ordinal);
        var json = (await cnap.RunAsync("auth", "status", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal("session", json.GetProperty("kind").GetString());
        Assert.Equal(email, json.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal("config", json.GetProperty("source").GetString());
        Assert.Equal(server.ApiUrl, json.GetProperty("api_url").GetString());
        Assert.False(json.GetProperty("expires_soon").GetBoolean());

        (await cnap.RunAsync("auth", "logout")).Expect(ExitCodes.Ok);
        Assert.Equal(401, await server.WhoAmIStatusAsync(token));
        (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.NotAuthenticated);
        (await cnap.RunAsync("auth", "token")).Expect(ExitCodes.NotAuthenticated);
    }

    [Fact]
    public async Task A_denied_login_fails_and_stores_nothing()
    {
        var (email, _) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);
        var err = new ConcurrentStringWriter();

        var login = cnap.RunAsync(["auth", "login", "--no-browser"], TestContext.Current.CancellationToken, err);
        var code = await UserCodeAsync(err, login);
        var browser = await BrowserSession.SignInAsync(BrowserSession.CookieClient(server.BaseAddress), email, ServerFixture.Password);
        await browser.DecideAsync(code, approve: false);

        var result = (await login.WaitAsync(Patience, TestContext.Current.CancellationToken)).Expect(ExitCodes.Error);
        Assert.Contains("denied", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(cnap.ConfigPath));
    }

    [Fact]
    public async Task Ctrl_C_stops_polling_cleanly()
    {
        using var cnap = new Cnap(server.ApiUrl);
        using var ctrlC = new CancellationTokenSource();
        var err = new ConcurrentStringWriter();

        var login = cnap.RunAsync(["auth", "login", "--no-browser"], ctrlC.Token, err);
        await UserCodeAsync(err, login);
        await ctrlC.CancelAsync();

        var result = (await login.WaitAsync(Patience, TestContext.Current.CancellationToken)).Expect(CnapApp.Cancelled);
        Assert.Contains("Cancelled", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(cnap.ConfigPath));
    }

    [Fact]
    public async Task Login_with_a_given_token_checks_it_first()
    {
        var (email, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);

        var rejected = (await cnap.RunAsync("auth", "login", "--token", "00000000000000000000000000000000")).Expect(ExitCodes.NotAuthenticated);
        Assert.Contains("rejected", rejected.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(cnap.ConfigPath));

        var me = (await cnap.RunAsync("auth", "login", "--token", session, "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(email, me.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal(session, (await cnap.RunAsync("auth", "token")).Out.Trim());
    }

    internal static Task<string> WaitForCodeAsync(ConcurrentStringWriter err, Task running) => UserCodeAsync(err, running);

    [GeneratedRegex("Your code: ([A-Z]{4}-[A-Z]{4})")]
    private static partial Regex UserCode();
}

/// <summary>The device login through a link that drops while it polls.</summary>
public sealed class FlakyNetworkLoginTests(RelayedServerFixture server) : IClassFixture<RelayedServerFixture>
{
    /// <summary>
    /// A reset is noticed at once; a black hole when the poll has gone 10 seconds unanswered (not at the HTTP
    /// client's 30-second timeout: a stalled link was reported half a minute late).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Login_survives_a_connection_lost_while_polling(bool blackHole)
    {
        var (email, _) = await server.SignUpAsync();
        using var cnap = new Cnap(server.Relay.Url);
        var err = new ConcurrentStringWriter();

        var login = cnap.RunAsync(["auth", "login", "--no-browser"], TestContext.Current.CancellationToken, err);
        var code = await LoginTests.WaitForCodeAsync(err, login);
        var lost = System.Diagnostics.Stopwatch.StartNew();
        if (blackHole)
        {
            server.Relay.Stall();
        }
        else
        {
            server.Relay.Cut();
        }

        while (!err.ToString().Contains("Lost contact", StringComparison.Ordinal) && !login.IsCompleted)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        // The next poll within the interval (5 s), then 10 s for its answer: noticed well before 30 s.
        Assert.True(lost.Elapsed < TimeSpan.FromSeconds(22), $"the lost link was reported after {lost.Elapsed.TotalSeconds:0} s");

        // Approved while the CLI cannot reach the server; then the link comes back.
        var browser = await BrowserSession.SignInAsync(BrowserSession.CookieClient(server.BaseAddress), email, ServerFixture.Password);
        await browser.DecideAsync(code, approve: true);
        server.Relay.Restore();

        var result = (await login.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken)).Expect(ExitCodes.Ok);
        Assert.True(server.Relay.Dropped > 0, "no connection was dropped: the test proved nothing");
        Assert.Contains("Lost contact", result.Err, StringComparison.Ordinal);
        Assert.Contains("Back in contact", result.Err, StringComparison.Ordinal);
        Assert.Equal(200, await server.WhoAmIStatusAsync((await cnap.RunAsync("auth", "token")).Expect(ExitCodes.Ok).Out.Trim()));
    }

    /// <summary>
    /// The worst the link can do: the poll after the approval reaches the server, which hands over the token and
    /// spends the code, and the answer never comes back. The next poll is told the code was used; the CLI says what
    /// happened and that logging in again mends it, not "invalid_grant".
    /// </summary>
    [Fact]
    public async Task A_token_lost_on_the_way_back_is_explained_and_the_login_can_be_run_again()
    {
        var (email, _) = await server.SignUpAsync();
        using var cnap = new Cnap(server.Relay.Url);
        var err = new ConcurrentStringWriter();

        var login = cnap.RunAsync(["auth", "login", "--no-browser"], TestContext.Current.CancellationToken, err);
        var code = await LoginTests.WaitForCodeAsync(err, login);
        var browser = await BrowserSession.SignInAsync(BrowserSession.CookieClient(server.BaseAddress), email, ServerFixture.Password);
        await browser.DecideAsync(code, approve: true);
        server.Relay.LoseAnswers(); // at once: the next poll, seconds away, is the one that gets the token
        while (!err.ToString().Contains("Lost contact", StringComparison.Ordinal) && !login.IsCompleted)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        server.Relay.Restore();
        var result = (await login.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken)).Expect(ExitCodes.Retryable);
        Assert.True(server.Relay.Dropped > 0, "no answer was dropped: the test proved nothing");
        Assert.Contains("answer was lost", result.Err, StringComparison.Ordinal);
        Assert.Contains("cnap auth login again", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid_grant", result.Err, StringComparison.Ordinal);
    }
}
