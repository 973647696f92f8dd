using System.Text.Json;
using Akua.TestSupport;
using Spectre.Console;

namespace Akua.Cli.Tests;

/// <summary>
/// Issue 16: the faults a new user met, each run as the real program against a real (or a broken) server and
/// home. Every failure is one line on stderr with a documented exit code, never a stack trace.
/// </summary>
public sealed class DependabilityTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static void OneLine(Cnap.Result result, string expected)
    {
        Assert.Contains(expected, result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Err, StringComparison.Ordinal);
        Assert.True(result.Err.Trim().Split('\n').Length <= 2, "more than a line or two on stderr:\n" + result.Err);
    }

    [Fact]
    public async Task Https_to_a_plain_http_server_is_one_line_and_exit_1()
    {
        var (_, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl.Replace("http://", "https://", StringComparison.Ordinal));
        cnap.Environment["AKUA_API_TOKEN"] = session;

        var result = (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.Error);

        OneLine(result, "Could not open a TLS connection to https://127.0.0.1:");
    }

    [Fact]
    public async Task A_home_that_cannot_be_written_is_one_line_and_exit_1()
    {
        var (_, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);

        // As root a 0500 folder is still writable; sysfs refuses everyone.
        cnap.Environment["HOME"] = !OperatingSystem.IsLinux() ? throw Xunit.Sdk.SkipException.ForSkip("Linux only: a read-only folder as any user")
            : Environment.UserName == "root" ? "/sys" : ReadOnlyFolder(cnap.Home);
        var result = (await cnap.RunAsync("auth", "login", "--token", session)).Expect(ExitCodes.Error);

        OneLine(result, "Cannot write the config file");
        Assert.Matches("permission denied|read-only", result.Err); // /sys answers EPERM, or EROFS in an unprivileged container
    }

    [Fact]
    public async Task A_home_that_is_a_file_is_one_line_and_exit_1()
    {
        var (_, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);
        var file = Path.Combine(cnap.Home, "not-a-folder");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
        cnap.Environment["HOME"] = file;

        var result = (await cnap.RunAsync("auth", "login", "--token", session)).Expect(ExitCodes.Error);

        OneLine(result, "is a file, not a folder");
    }

    [Fact]
    public async Task A_home_that_does_not_exist_never_puts_the_config_in_the_working_directory()
    {
        var (_, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);
        var missing = Path.Combine(cnap.Home, "gone");
        cnap.Environment["HOME"] = missing;

        var result = (await cnap.RunAsync("auth", "login", "--token", session)).Expect(ExitCodes.Error);

        OneLine(result, $"the folder {missing} does not exist");
        Assert.Empty(Directory.EnumerateFileSystemEntries(cnap.WorkingDirectory, "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(missing));

        // Without any HOME, the same: nothing is written anywhere, and the environment still works.
        cnap.Environment.Remove("HOME");
        OneLine((await cnap.RunAsync("auth", "login", "--token", session)).Expect(ExitCodes.Error), "no home folder");
        cnap.Environment["AKUA_API_TOKEN"] = session;
        (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.Ok);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cnap.WorkingDirectory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_stored_token_is_never_sent_to_another_server()
    {
        using var cnap = await server.LoggedInAsync();
        var stored = (await cnap.RunAsync("auth", "token")).Expect(ExitCodes.Ok).Out.Trim();
        await using var other = new RecordingListener();

        var status = (await cnap.RunAsync("--api-url", other.Url, "auth", "status")).Expect(ExitCodes.NotAuthenticated);
        (await cnap.RunAsync("--api-url", other.Url, "auth", "tokens", "list")).Expect(ExitCodes.NotAuthenticated);
        (await cnap.RunAsync("--api-url", other.Url + "/", "workspaces", "list")).Expect(ExitCodes.NotAuthenticated);
        (await cnap.RunAsync("--api-url", other.Url, "auth", "token")).Expect(ExitCodes.NotAuthenticated);
        cnap.Environment["AKUA_API_URL"] = other.Url;
        (await cnap.RunAsync("auth", "logout")).Expect(ExitCodes.Ok);

        OneLine(status, $"Not logged in to {other.Url}. Run: cnap auth login --api-url {other.Url}");
        Assert.Contains(server.ApiUrl, status.Err, StringComparison.Ordinal); // it says where there is a login
        Assert.Empty(other.Requests); // with no login for it, nothing at all is sent there

        // The same server, however it is written, still gets its own token.
        cnap.Environment["AKUA_API_URL"] = "HTTP" + server.ApiUrl[4..] + "/";
        var json = (await cnap.RunAsync("auth", "status", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(server.ApiUrl, json.GetProperty("api_url").GetString());
        Assert.Equal(200, await server.WhoAmIStatusAsync(stored));
    }

    [Fact]
    public async Task Logout_ends_the_stored_session_whatever_the_environment_holds()
    {
        using var cnap = await server.LoggedInAsync();
        var stored = (await cnap.RunAsync("auth", "token")).Out.Trim();
        var ci = (await cnap.RunAsync("auth", "tokens", "create", "--name", "ci")).Expect(ExitCodes.Ok).Out.Trim();
        cnap.Environment["AKUA_API_TOKEN"] = ci;

        var result = (await cnap.RunAsync("auth", "logout")).Expect(ExitCodes.Ok);

        Assert.Equal(401, await server.WhoAmIStatusAsync(stored));
        Assert.Contains($"Ended the session on {server.ApiUrl}", result.Err, StringComparison.Ordinal);
        Assert.Contains("AKUA_API_TOKEN is still set", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(stored, await File.ReadAllTextAsync(cnap.ConfigPath, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(200, await server.WhoAmIStatusAsync(ci)); // the environment's token is the user's to revoke

        var again = (await cnap.RunAsync("auth", "logout")).Expect(ExitCodes.Ok);
        Assert.Contains($"Not logged in to {server.ApiUrl}", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_or_malformed_AKUA_API_TOKEN_is_named_in_the_message()
    {
        using var cnap = await server.LoggedInAsync();
        var ci = (await cnap.RunAsync("auth", "tokens", "create", "--name", "ci", "--output", "json")).Expect(ExitCodes.Ok).Json;
        (await cnap.RunAsync("auth", "tokens", "revoke", ci.GetProperty("id").GetString()!, "--yes")).Expect(ExitCodes.Ok);

        cnap.Environment["AKUA_API_TOKEN"] = ci.GetProperty("token").GetString()!;
        var revoked = (await cnap.RunAsync("auth", "tokens", "list")).Expect(ExitCodes.NotAuthenticated);
        OneLine(revoked, "AKUA_API_TOKEN was refused by");
        Assert.DoesNotContain("cnap auth login", revoked.Err, StringComparison.Ordinal);

        cnap.Environment["AKUA_API_TOKEN"] = "sk_akua_not a token";
        var malformed = (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.Usage);
        OneLine(malformed, "The token in AKUA_API_TOKEN is malformed");

        cnap.Environment["AKUA_API_TOKEN"] = "sk_akua_ünicode";
        OneLine((await cnap.RunAsync("workspaces", "list")).Expect(ExitCodes.Usage), "AKUA_API_TOKEN");
    }

    [Fact]
    public async Task The_config_file_has_no_byte_order_mark_and_an_old_file_still_logs_in()
    {
        var (email, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);
        (await cnap.RunAsync("auth", "login", "--token", session)).Expect(ExitCodes.Ok);

        var bytes = await File.ReadAllBytesAsync(cnap.ConfigPath, TestContext.Current.CancellationToken);
        Assert.False(bytes is [0xEF, 0xBB, 0xBF, ..], "config.yaml starts with a UTF-8 byte order mark");

        // A cnap 0.1 file: one token bound to its api_url.
        await File.WriteAllTextAsync(cnap.ConfigPath, $"api_url: {server.ApiUrl}\nauth:\n  token: {session}\n", TestContext.Current.CancellationToken);
        cnap.Environment.Remove("AKUA_API_URL");
        var status = (await cnap.RunAsync("auth", "status", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(email, status.GetProperty("user").GetProperty("email").GetString());
    }

    [Fact]
    public async Task An_empty_token_is_a_usage_error_and_with_token_reads_stdin()
    {
        var (email, session) = await server.SignUpAsync();
        using var cnap = new Cnap(server.ApiUrl);

        OneLine((await cnap.RunAsync("auth", "login", "--token", "")).Expect(ExitCodes.Usage), "--token is empty");
        OneLine((await cnap.RunWithStdinAsync("\n", "auth", "login", "--with-token")).Expect(ExitCodes.Usage), "--with-token read no token");
        Assert.False(File.Exists(cnap.ConfigPath));

        var me = (await cnap.RunWithStdinAsync(session + "\n", "auth", "login", "--with-token", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(email, me.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal(session, (await cnap.RunAsync("auth", "token")).Out.Trim());
    }

    [Fact]
    public async Task Bare_commands_show_help_with_examples_and_errors_name_the_subcommands_help()
    {
        using var cnap = new Cnap(server.ApiUrl);

        var bare = (await cnap.RunAsync()).Expect(ExitCodes.Ok);
        Assert.Contains("Usage:", bare.Out, StringComparison.Ordinal);
        Assert.Contains("Examples:", bare.Out, StringComparison.Ordinal);
        Assert.Contains("Usage:", (await cnap.RunAsync("auth")).Expect(ExitCodes.Ok).Out, StringComparison.Ordinal);

        foreach (var command in new[] { "auth login", "auth status", "auth logout", "auth token", "auth tokens list", "auth tokens create", "auth tokens revoke", "workspaces list", "workspaces switch", "workspaces create" })
        {
            var help = (await cnap.RunAsync([.. command.Split(' '), "--help"])).Expect(ExitCodes.Ok).Out;
            Assert.True(help.Contains("Examples:", StringComparison.Ordinal) && help.Contains("  cnap ", StringComparison.Ordinal), $"{command} --help has no examples:\n{help}");
        }

        var missing = (await cnap.RunAsync("auth", "tokens", "create")).Expect(ExitCodes.Usage);
        Assert.Contains("Run 'cnap auth tokens create --help' for usage.", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_is_the_APIs_data_field_for_field_and_unescaped()
    {
        using var cnap = await server.LoggedInAsync();
        const string Name = "Dana Browser's <team> & \"friends\" 🚀 café";
        var created = (await cnap.RunAsync("workspaces", "create", Name, "--output", "json")).Expect(ExitCodes.Ok);
        Assert.Contains("Dana Browser's <team> & \\\"friends\\\" 🚀 café", created.Out, StringComparison.Ordinal);
        var id = created.Json.GetProperty("id").GetString()!;
        (await cnap.RunAsync("workspaces", "switch", id)).Expect(ExitCodes.Ok);
        var token = (await cnap.RunAsync("auth", "tokens", "create", "--name", Name, "--expires-in", "30d", "--output", "json")).Expect(ExitCodes.Ok).Json;

        // What the API itself answers, read with a plain HTTP client.
        var session = (await cnap.RunAsync("auth", "token")).Out.Trim();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/api_tokens");
        request.Headers.Authorization = new("Bearer", session);
        request.Headers.Add("Akua-Context", id);
        var api = JsonDocument.Parse(await (await server.Http.SendAsync(request, TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("data");

        var listed = (await cnap.RunAsync("auth", "tokens", "list", "--output", "json")).Expect(ExitCodes.Ok);
        Assert.DoesNotContain("\\u", listed.Out, StringComparison.Ordinal);
        Assert.True(JsonElement.DeepEquals(api, listed.Json), $"the CLI printed\n{listed.Out}\nthe API answered\n{api}");
        Assert.Equal(token.GetProperty("prefix").GetString(), listed.Json[0].GetProperty("prefix").GetString());

        var status = (await cnap.RunAsync("auth", "status", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(JsonValueKind.Null, status.GetProperty("prefix").ValueKind); // a session has no prefix: none is made up
        Assert.Equal(Name, status.GetProperty("active_workspace").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Piped_tables_are_tab_separated_with_whole_values_and_no_box_drawing()
    {
        using var cnap = await server.LoggedInAsync();
        var id = (await cnap.RunAsync("auth", "tokens", "create", "--name", "a rather long token name for the build pipeline of the payments team", "--output", "json")).Json.GetProperty("id").GetString()!;

        foreach (var args in new[] { new[] { "auth", "tokens", "list" }, ["workspaces", "list"], ["auth", "status"] })
        {
            var output = (await cnap.RunAsync(args)).Expect(ExitCodes.Ok).Out;
            Assert.DoesNotMatch("[─│╭╮╯╰┌┐└┘├┤┬┴┼]", output);
            if (args[^1] == "list")
            {
                Assert.DoesNotContain("…", output, StringComparison.Ordinal); // nothing shortened (status masks the token: that is the point)
            }

            Assert.All(output.TrimEnd('\n').Split('\n'), line => Assert.Contains('\t', line));
        }

        var row = (await cnap.RunAsync("auth", "tokens", "list")).Out.Split('\n').Single(l => l.StartsWith(id, StringComparison.Ordinal)).Split('\t');
        Assert.Equal("a rather long token name for the build pipeline of the payments team", row[1]);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    public async Task At_a_terminal_ids_are_never_wrapped_or_cut(int width)
    {
        Cnap.RequireTerminal();
        using var cnap = await server.LoggedInAsync();
        var ids = new List<string>();
        foreach (var name in new[] { "ci", "a rather long token name for the build pipeline of the payments team" })
        {
            ids.Add((await cnap.RunAsync("auth", "tokens", "create", "--name", name, "--expires-in", "30d", "--output", "json")).Json.GetProperty("id").GetString()!);
        }

        var tokens = (await cnap.RunInTerminalAsync(width, string.Empty, null, "auth", "tokens", "list")).Expect(ExitCodes.Ok).Out;
        var workspaces = (await cnap.RunInTerminalAsync(width, string.Empty, null, "workspaces", "list")).Expect(ExitCodes.Ok).Out;

        foreach (var screen in new[] { tokens, workspaces })
        {
            var lines = screen.TrimEnd('\n').Split('\n');
            Assert.All(lines, line => Assert.True(line.Length <= width, $"a line wider than {width}:\n{screen}"));
            Assert.DoesNotMatch("[─│╭╮╯╰┌┐└┘├┤┬┴┼]", screen);
        }

        Assert.All(ids, id => Assert.Single(tokens.Split('\n'), line => line.StartsWith(id + " ", StringComparison.Ordinal)));
        Assert.Matches(@"\*\s+ws_[0-9a-f]{32} ", workspaces);
    }

    /// <summary>
    /// The server refuses control characters in names, so the text that could carry an escape sequence comes from
    /// a server that is not Akua (a mistyped --api-url): an error message that clears the screen and writes the
    /// clipboard (OSC 52) must reach the terminal as harmless text.
    /// </summary>
    [Fact]
    public async Task A_foreign_servers_text_cannot_send_escape_sequences_to_the_terminal()
    {
        await using var evil = new RecordingListener("Log in again\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m please");
        using var cnap = new Cnap(evil.Url);
        cnap.Environment["AKUA_API_TOKEN"] = "sk_akua_whatever";

        var result = (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.NotAuthenticated);

        Assert.Contains("Log in again", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.Err);
        Assert.DoesNotContain('\u0007', result.Err);
        Assert.DoesNotContain('\u009b', result.Err);
    }

    [Fact]
    public async Task Wide_letters_and_emoji_are_measured_in_terminal_cells()
    {
        Cnap.RequireTerminal();
        using var cnap = await server.LoggedInAsync();
        (await cnap.RunAsync("workspaces", "create", "日本語のチーム 🚀🚀🚀 支払いチームのとても長い名前です", "--slug", "wide-" + Guid.NewGuid().ToString("N")[..8])).Expect(ExitCodes.Ok);

        var screen = (await cnap.RunInTerminalAsync(80, string.Empty, null, "workspaces", "list")).Expect(ExitCodes.Ok).Out;

        Assert.All(screen.TrimEnd('\n').Split('\n'), line => Assert.True(line.GetCellWidth() <= 80, $"a line wider than 80 cells:\n{screen}"));
        Assert.Contains("日本語", screen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9999y")]
    [InlineData("99999999999999d")]
    [InlineData("0d")]
    public async Task An_impossible_lifetime_is_a_usage_error(string lifetime)
    {
        using var cnap = await server.LoggedInAsync();

        OneLine((await cnap.RunAsync("auth", "tokens", "create", "--name", "x", "--expires-in", lifetime)).Expect(ExitCodes.Usage), "is not a duration");
    }

    [Fact]
    public async Task A_malformed_AKUA_API_TOKEN_does_not_stop_logout_from_ending_the_stored_session()
    {
        using var cnap = await server.LoggedInAsync();
        var stored = (await cnap.RunAsync("auth", "token")).Out.Trim();
        cnap.Environment["AKUA_API_TOKEN"] = "not a token";

        var result = (await cnap.RunAsync("auth", "logout")).Expect(ExitCodes.Ok);

        Assert.Contains($"Ended the session on {server.ApiUrl}", result.Err, StringComparison.Ordinal);
        Assert.Equal(401, await server.WhoAmIStatusAsync(stored));
    }

    [Fact]
    public async Task Logging_in_again_ends_the_session_it_replaces()
    {
        using var cnap = await server.LoggedInAsync();
        var first = (await cnap.RunAsync("auth", "token")).Out.Trim();
        var (_, second) = await server.SignUpAsync();

        var result = (await cnap.RunAsync("auth", "login", "--token", second)).Expect(ExitCodes.Ok);

        Assert.Contains("Ended the session this login replaced", result.Err, StringComparison.Ordinal);
        Assert.Equal(401, await server.WhoAmIStatusAsync(first));
        Assert.Equal(second, (await cnap.RunAsync("auth", "token")).Out.Trim());

        // And the other user's workspace is not kept as the active one.
        var workspaces = (await cnap.RunAsync("workspaces", "list", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Single(workspaces.EnumerateArray(), w => w.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Every_token_is_listed_however_many_pages_it_takes()
    {
        using var cnap = await server.LoggedInAsync();
        var session = (await cnap.RunAsync("auth", "token")).Out.Trim();
        var workspace = (await cnap.RunAsync("workspaces", "list", "--output", "json")).Json[0].GetProperty("id").GetString()!;
        for (var i = 0; i < 105; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/api_tokens") { Content = System.Net.Http.Json.JsonContent.Create(new { name = $"t{i}" }) };
            request.Headers.Authorization = new("Bearer", session);
            request.Headers.Add("Akua-Context", workspace);
            Assert.True((await server.Http.SendAsync(request, TestContext.Current.CancellationToken)).IsSuccessStatusCode);
        }

        var json = (await cnap.RunAsync("auth", "tokens", "list", "--output", "json")).Expect(ExitCodes.Ok).Json;
        var piped = (await cnap.RunAsync("auth", "tokens", "list")).Expect(ExitCodes.Ok).Out;

        Assert.Equal(105, json.GetArrayLength());
        Assert.Equal(105, json.EnumerateArray().Select(t => t.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(105, piped.TrimEnd('\n').Split('\n').Length);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static string ReadOnlyFolder(string under)
    {
        var folder = Directory.CreateDirectory(Path.Combine(under, "read-only")).FullName;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return folder;
    }
}
