using System.Text;
using System.Text.Json;

namespace Akua.Cli.Tests;

/// <summary>One user's machine: a home folder (with ~/.cnap), an environment, and the cnap entry point.</summary>
public sealed class Cnap : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("akua-home-").FullName;

    public Dictionary<string, string> Environment { get; } = [];

    public string ConfigPath => Path.Combine(Home, ".cnap", "config.yaml");

    public Cnap(string apiUrl) => Environment["AKUA_API_URL"] = apiUrl;

    public async Task<Result> RunAsync(params string[] args) => await RunAsync(args, CancellationToken.None, new ConcurrentStringWriter());

    public async Task<Result> RunAsync(string[] args, CancellationToken cancellationToken, ConcurrentStringWriter err, bool interactive = false)
    {
        var output = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Err = err,
            Variable = name => Environment.GetValueOrDefault(name),
            Home = Home,
            IsInteractive = interactive,
            OpenBrowser = _ => false,
        };
        var code = await CnapApp.RunAsync(args, environment, cancellationToken);
        return new Result(code, output.ToString(), err.ToString());
    }

    public void Dispose() => Directory.Delete(Home, recursive: true);

    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public JsonElement Json => JsonDocument.Parse(Out).RootElement;

        public Result Expect(int code)
        {
            Assert.True(code == ExitCode, $"exit {ExitCode}, expected {code}\nstdout: {Out}\nstderr: {Err}");
            return this;
        }
    }
}

/// <summary>stderr that a test can read while the command still runs (the login prints its code there).</summary>
public sealed class ConcurrentStringWriter : StringWriter
{
    private readonly object _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            base.WriteLine(value);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return base.ToString();
        }
    }
}
