using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Akua.TestSupport;

/// <summary>
/// The built server (<c>src/WebApi</c>) as a real child process on a loopback port, for tests that need a
/// real process: start-up failures, several nodes, crashes.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    /// <summary>SIGKILL: the process dies at once, mid-request, as in a crash or an OOM kill.</summary>
    public void Crash() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: the graceful stop an orchestrator sends; in-flight requests drain.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException("kill(SIGTERM) failed");
        }
    }

    /// <summary>The process's resident memory now (VmRSS), in MB.</summary>
    public double ResidentMemoryMb()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public int ExitCode => _process.ExitCode;

    /// <summary>Where the server's build output is: the same configuration as the running tests.</summary>
    public static string ServerDll
    {
        get
        {
            var testBin = AppContext.BaseDirectory;
            var configuration = testBin.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(Repository.Root, "src", "WebApi", "bin", configuration, "net10.0", "Akua.WebApi.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"The server is not built: {dll}");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <param name="contentRoot">The server's content root (its default SQLite file goes to <c>data/</c> below it).</param>
    /// <param name="environment">Extra environment variables (configuration uses <c>__</c> for <c>:</c>).</param>
    /// <param name="arguments">Extra arguments, for example <c>migrate</c>.</param>
    public static ServerProcess Start(string contentRoot, IReadOnlyDictionary<string, string>? environment = null, params string[] arguments) =>
        StartOn(FreePort(), contentRoot, environment, arguments);

    /// <summary>As <see cref="Start"/>, on a port the test chose (to name it in the configuration too).</summary>
    public static ServerProcess StartOn(int port, string contentRoot, IReadOnlyDictionary<string, string>? environment = null, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = contentRoot,
        };
        info.ArgumentList.Add(ServerDll);
        info.ArgumentList.Add("--contentRoot");
        info.ArgumentList.Add(contentRoot);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Akua__PublicUrl"] = $"http://127.0.0.1:{port}"; // required in Production; a test may name another
        info.Environment["RateLimits__SignUpsPerHour"] = "1000000"; // the tests sign up from one loopback address
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Launch(info, port);
    }

    /// <summary>
    /// A server started exactly as a service manager would start it: this command, arguments, working directory and
    /// environment, nothing added (no <c>--urls</c>: the environment says where it listens, on <paramref name="port"/>).
    /// </summary>
    public static ServerProcess Exec(int port, string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Launch(info, port);
    }

    private static ServerProcess Launch(ProcessStartInfo info, int port)
    {
        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process, port);
        process.OutputDataReceived += (_, e) => { lock (server._stdout) { server._stdout.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (server._stderr) { server._stderr.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits for the process to exit by itself; fails the test if it does not within the time.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200; false if the process exits or the time runs out.</summary>
    public async Task<bool> WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
