using System.Text.Json;
using System.Text.Json.Nodes;
using Akua.Cli.Api;
using Akua.Cli.Config;
using Akua.Cli.Output;
using Spectre.Console;

namespace Akua.Cli;

/// <summary>Where the credential of this invocation came from.</summary>
public enum CredentialSource
{
    /// <summary><c>AKUA_API_TOKEN</c>: sent to whichever server this invocation talks to; cnap never stores or ends it.</summary>
    Environment,

    /// <summary>The config file's entry for this server: sent to that server only.</summary>
    Stored,
}

/// <summary>The token of this invocation, where it came from, and the server it is for.</summary>
public sealed record Credential(string Token, CredentialSource Source, string ApiUrl)
{
    public const string Variable = "AKUA_API_TOKEN";

    public bool IsWorkspaceToken => AkuaApi.IsWorkspaceToken(Token);

    /// <summary>Where it came from, for a sentence.</summary>
    public string Origin(string? configPath) => Source == CredentialSource.Environment ? $"the environment ({Variable})" : $"the config file ({configPath})";
}

/// <summary>
/// One invocation's settings, each from the first place that has it: flag, then environment, then the
/// config file. The environment beats the file so CI can run without touching it. A stored token belongs
/// to one server (ADR 0019): it is used only when this invocation talks to that server.
/// </summary>
public sealed class CliContext : IDisposable
{
    private readonly bool _apiUrlFromFlag;
    private readonly CapturingHandler _capture = new(new SocketsHttpHandler());
    private HttpClient? _http;

    public CliContext(CliEnvironment environment, string? apiUrlOption, string? configOption, bool json)
    {
        Environment = environment;
        Json = json;
        Store = ConfigStore.Locate(configOption, environment);
        Config = Store.Load();
        _apiUrlFromFlag = Nonempty(apiUrlOption) is not null;
        ApiUrl = Nonempty(apiUrlOption) is { } flag ? ServerUrl.Normalize(flag, "--api-url")
            : Nonempty(environment.Variable("AKUA_API_URL")) is { } variable ? ServerUrl.Normalize(variable, "AKUA_API_URL")
            : Nonempty(Config.ApiUrl) is { } remembered ? ServerUrl.Normalize(remembered, $"api_url in {Store.Path}")
            : ServerUrl.Default;

        if (environment.Variable(Credential.Variable) is { } fromEnvironment && fromEnvironment.Length > 0)
        {
            // Checked when it is sent (ApiWith), not here: logout and login act on the stored entry whatever it holds.
            Credential = new Credential(fromEnvironment.Trim(), CredentialSource.Environment, ApiUrl);
        }
        else if (Nonempty(Config.For(ApiUrl)?.Token) is { } stored)
        {
            Credential = new Credential(stored, CredentialSource.Stored, ApiUrl);
        }

        Workspace = Nonempty(environment.Variable("AKUA_WORKSPACE_ID")) ?? Nonempty(Config.For(ApiUrl)?.ActiveWorkspace);
        Err = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Err),
            Ansi = environment.IsInteractive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.IsInteractive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = environment.IsInteractive ? InteractionSupport.Yes : InteractionSupport.No,
        });
    }

    public CliEnvironment Environment { get; }

    public ConfigStore Store { get; }

    public CnapConfig Config { get; }

    /// <summary>The server this invocation talks to, in canonical form.</summary>
    public string ApiUrl { get; }

    public Credential? Credential { get; }

    public string? Workspace { get; }

    /// <summary><c>--output json</c>: only data on stdout, as JSON.</summary>
    public bool Json { get; }

    /// <summary>stderr, for prompts and the spinner.</summary>
    public IAnsiConsole Err { get; }

    public HttpClient Http => _http ??= NewHttpClient();

    /// <summary>The API with this invocation's credential; "not logged in" (exit 3) when there is none.</summary>
    public AkuaApi Api => ApiWith(Credential ?? throw NotLoggedIn());

    public AkuaApi ApiWith(Credential credential)
    {
        CheckToken(credential.Token, credential.Source == CredentialSource.Environment ? Credential.Variable : $"the config file ({Store.Path})");
        return new(Http, _capture, ApiUrl, credential, Workspace, LoginCommand);
    }

    /// <summary>The command that logs in to this invocation's server.</summary>
    public string LoginCommand => _apiUrlFromFlag ? $"cnap auth login --api-url {ApiUrl}" : "cnap auth login";

    /// <summary>Exit 3, naming the server, and the servers there is a login for when it is another one.</summary>
    public CliException NotLoggedIn()
    {
        var elsewhere = Config.Servers.Where(s => s.Value.Token is not null && s.Key != ApiUrl).Select(s => s.Key).ToList();
        return new CliException(ExitCodes.NotAuthenticated, $"Not logged in to {ApiUrl}. Run: {LoginCommand}" +
            (elsewhere.Count > 0 ? $" (stored logins, each sent only to its own server: {string.Join(", ", elsewhere)})" : string.Empty));
    }

    /// <summary>A line for the person at the terminal (stderr, so stdout stays data).</summary>
    /// <summary>How close to its expiry a credential must be for every command to say so.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(7);

    /// <summary>Set by a command that already said when the credential expires (<c>auth status</c>).</summary>
    public bool ExpiryShown { get; set; }

    /// <summary>
    /// After any command that reached the API: a warning on stderr when the server said the credential expires
    /// within <see cref="ExpiryWarning"/>, so a CI job's log says so a week ahead.
    /// </summary>
    public void WarnIfExpiringSoon()
    {
        if (!ExpiryShown && _capture.TokenExpiresAt is { } at && at - DateTimeOffset.UtcNow < ExpiryWarning)
        {
            var what = Credential is { IsWorkspaceToken: true } ? "Roll or replace this API token" : "Log in again";
            Say($"Warning: this credential expires on {Output.Times.Absolute(at.ToUnixTimeSeconds())}. {what} before then.");
            ExpiryShown = true;
        }
    }

    public void Say(string message) => Environment.Err.WriteLine(TerminalText.Safe(message));

    /// <summary>A line of data for stdout (names in it are made safe for a terminal).</summary>
    public void Line(string text) => Environment.Out.WriteLine(TerminalText.Safe(text));

    public void PrintJson(JsonNode? data) => Environment.Out.WriteLine(JsonOutput.Format(data));

    public void PrintJson(JsonElement data) => Environment.Out.WriteLine(JsonOutput.Format(data));

    public void Print(Output.Table table) => table.Write(Environment.Out, Environment.OutputIsTerminal, Environment.Width);

    /// <summary>A time in a table cell: relative at a terminal, ISO 8601 in a pipe.</summary>
    public string Time(long? unixSeconds, string never = "never") => Times.Show(unixSeconds, Environment.OutputIsTerminal, DateTimeOffset.UtcNow, never);

    public void Dispose()
    {
        _http?.Dispose();
        _capture.Dispose();
    }

    /// <summary>A token that cannot go into an HTTP header (a space, a line break, a non-ASCII letter) is a usage error, not a crash.</summary>
    public static string CheckToken(string token, string from)
    {
        if (token.Length == 0 || token.Any(c => c <= ' ' || c > '~'))
        {
            throw new CliException(ExitCodes.Usage, $"The token in {from} is malformed: a token is one word of printable ASCII characters.");
        }

        return token;
    }

    private HttpClient NewHttpClient()
    {
        var http = new HttpClient(_capture, disposeHandler: false) { BaseAddress = new Uri(ApiUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(AkuaApi.UserAgent);
        return http;
    }

    private static string? Nonempty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
