using System.Text.Json;
using Akua.Cli.Api;
using Akua.Cli.Config;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Akua.Cli;

/// <summary>
/// One invocation's settings, each from the first place that has it: flag, then environment, then the
/// config file. The environment beats the file so CI can run without touching it.
/// </summary>
public sealed class CliContext : IDisposable
{
    public const string DefaultApiUrl = "http://localhost:5080";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private HttpClient? _http;

    public CliContext(CliEnvironment environment, string? apiUrlOption, string? configOption, bool json)
    {
        Environment = environment;
        Store = ConfigStore.Locate(configOption, environment);
        Config = Store.Load();
        Json = json;
        ApiUrl = (Nonempty(apiUrlOption) ?? Nonempty(environment.Variable("AKUA_API_URL")) ?? Nonempty(Config.ApiUrl) ?? DefaultApiUrl).TrimEnd('/');
        if (!Uri.TryCreate(ApiUrl, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            throw new CliException(ExitCodes.Usage, $"The API URL '{ApiUrl}' is not an http(s) URL.");
        }

        if (Nonempty(environment.Variable("AKUA_API_TOKEN")) is { } fromEnvironment)
        {
            (Token, TokenSource) = (fromEnvironment, "environment (AKUA_API_TOKEN)");
        }
        else if (Nonempty(Config.Auth.Token) is { } fromFile)
        {
            (Token, TokenSource) = (fromFile, $"config file ({Store.Path})");
        }

        Workspace = Nonempty(environment.Variable("AKUA_WORKSPACE_ID")) ?? Nonempty(Config.ActiveWorkspace);
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Out),
            Ansi = environment.IsInteractive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.IsInteractive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = environment.IsInteractive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!environment.IsInteractive)
        {
            // Piped or redirected: no terminal to fit, so never wrap ids and tokens.
            Out.Profile.Width = 240;
        }

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

    public string ApiUrl { get; }

    public string? Token { get; }

    public string? TokenSource { get; }

    public bool TokenFromEnvironment => TokenSource?.StartsWith("environment", StringComparison.Ordinal) == true;

    public string? Workspace { get; }

    /// <summary><c>--output json</c>: only data on stdout, as JSON.</summary>
    public bool Json { get; }

    /// <summary>stdout: data and tables.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>stderr: messages, instructions, the spinner.</summary>
    public IAnsiConsole Err { get; }

    public HttpClient Http => _http ??= NewHttpClient();

    public AkuaApi Api => new(Http, Token, Workspace);

    public AkuaApi ApiWith(string? token) => new(Http, token, Workspace);

    /// <summary>A line for the person at the terminal (stderr, so stdout stays data).</summary>
    public void Say(string message) => Environment.Err.WriteLine(message);

    /// <summary>Prints data: JSON with <c>--output json</c>, else the table.</summary>
    public void Print(JsonElement data, Func<IRenderable> table)
    {
        if (Json)
        {
            Environment.Out.WriteLine(JsonSerializer.Serialize(data, Indented));
        }
        else
        {
            Out.Write(table());
        }
    }

    public void PrintJson(object data) => Environment.Out.WriteLine(JsonSerializer.Serialize(data, Indented));

    public void Dispose() => _http?.Dispose();

    private HttpClient NewHttpClient()
    {
        var http = new HttpClient { BaseAddress = new Uri(ApiUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(AkuaApi.UserAgent);
        return http;
    }

    private static string? Nonempty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
