using System.Diagnostics;
using System.Text.RegularExpressions;
using Akua.TestSupport;

namespace Akua.Cli.Tests;

/// <summary>
/// The README's sections with a runnable <c>bash</c> block, run as written against one fresh server: the token
/// lifecycle's key pair made by its own <c>openssl</c> lines, the server trusting the key under the identifier its
/// start command names, then each block verbatim with <c>cnap</c> on the PATH and a fresh HOME.
/// </summary>
public sealed partial class ReadmeServerFixture : ServerFixture
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("akua-readme-").FullName;

    public string? SkipReason { get; private set; }

    public const string Lifecycle = "## Token lifecycle";

    public const string LeastPrivilege = "## Least privilege";

    /// <summary>The README's section whose heading starts with <paramref name="heading"/>.</summary>
    public static string Section(string heading)
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var start = readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"the README has no section {heading}");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return readme[start..end];
    }

    /// <summary>The one code block of a section in <paramref name="language"/> that contains <paramref name="containing"/>.</summary>
    public static string Block(string language, string containing, string heading = Lifecycle) =>
        CodeBlock().Matches(Section(heading)).Where(m => m.Groups["language"].Value == language).Select(m => m.Groups["body"].Value)
            .Single(b => b.Contains(containing, StringComparison.Ordinal));

    protected override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var start = Block("sh", "openssl ecparam");
            var identifier = Regex.Match(start, @"SecretScanning__PublicKeys__0__Identifier=(\S+)").Groups[1].Value;
            return new Dictionary<string, string>
            {
                ["SecretScanning__PublicKeys__0__Identifier"] = identifier,
                ["SecretScanning__PublicKeys__0__Key"] = File.ReadAllText(Path.Combine(Folder, "scanner.pub")),
            };
        }
    }

    public override async ValueTask InitializeAsync()
    {
        if (!File.Exists("/usr/bin/openssl"))
        {
            SkipReason = "openssl is not installed (apt-get install openssl)";
            return;
        }

        // The section's own key commands, in its folder (the line that starts the server is this fixture's job).
        foreach (var line in Block("sh", "openssl ecparam").Split('\n').Where(l => l.StartsWith("openssl ", StringComparison.Ordinal)))
        {
            var run = Process.Start(new ProcessStartInfo("bash", ["-c", line]) { WorkingDirectory = Folder, RedirectStandardError = true })!;
            await run.WaitForExitAsync();
            Assert.True(run.ExitCode == 0, $"{line}: {await run.StandardError.ReadToEndAsync()}");
        }

        await base.InitializeAsync();
    }

    [GeneratedRegex("```(?<language>sh|bash)\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}

public sealed class ReadmeTests(ReadmeServerFixture server) : IClassFixture<ReadmeServerFixture>
{
    [Fact]
    public async Task The_token_lifecycle_section_runs_as_written()
    {
        var output = await RunAsync(ReadmeServerFixture.Block("bash", "secret_scanning"), "lifecycle");
        LifecycleShows(output);
    }

    /// <summary>Issue 19's CI example: a deploy-only token bound to the runner's addresses.</summary>
    [Fact]
    public async Task The_least_privilege_section_runs_as_written()
    {
        var output = await RunAsync(ReadmeServerFixture.Block("bash", "DEPLOY_TOKEN", ReadmeServerFixture.LeastPrivilege), "least-privilege");

        Assert.Contains("\"product\":\"nginx\"", output, StringComparison.Ordinal); // deployed
        Assert.Contains("\"code\":\"insufficient_permission\"", output, StringComparison.Ordinal);
        Assert.Contains("members:read", output, StringComparison.Ordinal);
        Assert.Contains("api_tokens:write", output, StringComparison.Ordinal); // why the wider token was refused
        Assert.Contains("\"code\":\"ip_not_allowed\"", output, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1/32, ::1/128", output, StringComparison.Ordinal);
        Assert.Contains("192.0.2.0/24", output, StringComparison.Ordinal);
        Assert.Contains("\"scopes_supported\":[\"api\",\"installs:read\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("command not found", output, StringComparison.Ordinal);
    }

    /// <summary>Runs a README block with bash in the fixture's folder; its stdout and stderr together.</summary>
    private async Task<string> RunAsync(string block, string name)
    {
        if (server.SkipReason is { } reason)
        {
            Assert.False(TestEnvironment.IsCi, reason + ": under CI=true the README's section may not skip");
            Assert.Skip(reason);
        }

        var bin = Directory.CreateDirectory(Path.Combine(server.Folder, "bin")).FullName;
        var cnap = Path.Combine(bin, "cnap");
        await File.WriteAllTextAsync(cnap, $"#!/bin/sh\nexec dotnet '{Cnap.Program}' \"$@\"\n", TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cnap, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var script = Path.Combine(server.Folder, name + ".sh");
        await File.WriteAllTextAsync(script, block, TestContext.Current.CancellationToken);

        var start = new ProcessStartInfo("bash", [script])
        {
            WorkingDirectory = server.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = Directory.CreateDirectory(Path.Combine(server.Folder, "home-" + name)).FullName;
        start.Environment["B"] = server.ApiUrl;
        start.Environment.Remove("AKUA_API_TOKEN");
        start.Environment.Remove("AKUA_API_URL");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return await stdout + await stderr;
    }

    private static void LifecycleShows(string output)
    {
        // What each part of the section says it shows.
        Assert.Contains("\"max_token_lifetime\":7776000", output, StringComparison.Ordinal);
        Assert.Contains("max_token_lifetime is 7776000 seconds (90 days)", output, StringComparison.Ordinal);
        Assert.Matches(@"(?mi)^akua-token-expires-at: \d{10}", output);
        Assert.Contains("the old token no longer works", output, StringComparison.Ordinal);
        Assert.Contains("replaced by tok_", output, StringComparison.Ordinal);
        Assert.Contains("\"days\":[{\"date\":", output, StringComparison.Ordinal);
        Assert.Contains("\"label\":\"true_positive\"", output, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"unauthorized\"", output, StringComparison.Ordinal);
        Assert.Contains("revoked: leaked at https://github.com/ann/app/blob/main/.env", output, StringComparison.Ordinal);
        Assert.Contains("api_token.leaked", output, StringComparison.Ordinal);
        Assert.Contains("workspace.policy_changed", output, StringComparison.Ordinal);
        Assert.Contains("user.signed_up", output, StringComparison.Ordinal);
        Assert.DoesNotContain("command not found", output, StringComparison.Ordinal);
    }
}
