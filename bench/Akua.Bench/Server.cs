using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Akua.Bench;

/// <summary>The Release build of the server as a child process on a loopback port.</summary>
internal sealed class Server : IAsyncDisposable
{
    private readonly Process _process;

    private Server(Process process, Uri baseAddress, TimeSpan startup)
    {
        _process = process;
        BaseAddress = baseAddress;
        Startup = startup;
    }

    /// <summary>The server's process id, for a profiler.</summary>
    public int Pid => _process.Id;

    public Uri BaseAddress { get; }

    /// <summary>From process start to the first 200 of /readyz.</summary>
    public TimeSpan Startup { get; }

    public static async Task<Server> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "--urls", baseAddress.ToString() }.Concat(arguments))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Akua__PublicUrl"] = baseAddress.ToString().TrimEnd('/');
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (arguments.Length > 0)
        {
            await process.WaitForExitAsync();
            return new Server(process, baseAddress, clock.Elapsed);
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return new Server(process, baseAddress, clock.Elapsed);
                }
            }
            catch (HttpRequestException)
            {
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode}.");
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The server did not become ready in 60 s.");
    }

    /// <summary>The process's peak resident memory (VmHWM) in MB.</summary>
    public double PeakMemoryMb() => Memory().PeakMb;

    /// <summary>
    /// The process's memory now, from /proc/PID/status: resident (VmRSS) and its peak so far (VmHWM), and the
    /// resident split into anonymous (GC heap, native heaps, stacks), file-backed (the mapped framework and
    /// ReadyToRun images) and shared (the double-mapped JIT code) pages, in MB; and its thread count.
    /// </summary>
    public MemoryReading Memory()
    {
        var fields = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[(colon + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries) is [var number, ..]
                && long.TryParse(number, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                fields[line[..colon]] = value;
            }
        }

        double Mb(string field) => fields.TryGetValue(field, out var kb) ? kb / 1024.0 : double.NaN;
        return new MemoryReading(Mb("VmRSS"), Mb("VmHWM"), Mb("RssAnon"), Mb("RssFile"), Mb("RssShmem"), (int)fields.GetValueOrDefault("Threads"));
    }

    /// <summary>
    /// The server's counters so far, from its <c>Akua</c> meter as a Prometheus scrape of <c>/metrics</c> shows them
    /// (the server runs with <c>Telemetry__Prometheus=true</c>): database commands (all, those sent for requests, the
    /// writes), credential cache misses, and the last-use flushes with their statements and credentials.
    /// </summary>
    public async Task<Counters> CountersAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        long commands = 0, requestCommands = 0, writes = 0;
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (await http.GetStringAsync("/metrics")).Split('\n'))
        {
            // akua_db_commands_total{akua_origin="request",db_operation_kind="read",http_route="/v1/whoami",...} 12 1764500000000
            if (!line.StartsWith("akua_", StringComparison.Ordinal))
            {
                continue;
            }

            // name{labels} value [timestamp], or name value [timestamp] without labels
            var open = line.IndexOfAny(['{', ' ']);
            var close = line[open] == '{' ? line.LastIndexOf('}') : open;
            var (name, labels) = (line[..open], line[open..close]);
            var value = (long)double.Parse(line[(close + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            totals[name] = totals.GetValueOrDefault(name) + value;
            if (name == "akua_db_commands_total")
            {
                commands += value;
                requestCommands += labels.Contains("akua_origin=\"request\"", StringComparison.Ordinal) ? value : 0;
                writes += labels.Contains("db_operation_kind=\"write\"", StringComparison.Ordinal) ? value : 0;
            }
        }

        return new Counters(commands, requestCommands, writes, totals.GetValueOrDefault("akua_credential_cache_misses_total"),
            totals.GetValueOrDefault("akua_last_use_flushes_total"), totals.GetValueOrDefault("akua_last_use_statements_total"),
            totals.GetValueOrDefault("akua_last_use_credentials_total"));
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

    /// <summary>A throwaway key-ring certificate (production on a shared database needs one, ADR 0018); returns its password.</summary>
    internal static string KeyRingCertificate(string path)
    {
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=akua bench key ring", rsa,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, password));
        return password;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A node's counters at one moment (see <see cref="Server.CountersAsync"/>); subtract two for what happened between.</summary>
internal readonly record struct Counters(long Commands, long RequestCommands, long Writes, long CacheMisses, long Flushes, long FlushStatements, long CredentialsWritten)
{
    public static Counters operator -(Counters a, Counters b) => new(a.Commands - b.Commands, a.RequestCommands - b.RequestCommands, a.Writes - b.Writes,
        a.CacheMisses - b.CacheMisses, a.Flushes - b.Flushes, a.FlushStatements - b.FlushStatements, a.CredentialsWritten - b.CredentialsWritten);

    public static Counters operator +(Counters a, Counters b) => new(a.Commands + b.Commands, a.RequestCommands + b.RequestCommands, a.Writes + b.Writes,
        a.CacheMisses + b.CacheMisses, a.Flushes + b.Flushes, a.FlushStatements + b.FlushStatements, a.CredentialsWritten + b.CredentialsWritten);
}

/// <summary>One reading of a process's memory, in MB (see <see cref="Server.Memory"/>).</summary>
internal readonly record struct MemoryReading(double ResidentMb, double PeakMb, double AnonymousMb, double FileMb, double SharedMb, int Threads)
{
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{ResidentMb,5:0} {PeakMb,5:0} {AnonymousMb,5:0} {FileMb,5:0} {SharedMb,5:0} {Threads,4}");

    public const string Header = "  rss  peak  anon  file   shm thr";
}

/// <summary>One scenario's reading: wrk's figures, its ratio to the baseline, the server's counters over it, and its memory after.</summary>
internal sealed record Row(string Name, WrkResult Result, double Ratio, Counters Delta, MemoryReading Memory);
