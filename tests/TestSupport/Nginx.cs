using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace Akua.TestSupport;

/// <summary>
/// Debian's nginx terminating TLS (a self-signed certificate for <see cref="HostName"/> and localhost, made here) in
/// front of upstream servers, round robin, configured with docs/deploy.md's own file: it appends the client's
/// address to <c>X-Forwarded-For</c> and says <c>X-Forwarded-Proto: https</c>.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    public const string HostName = "akua.test";
    public const string Binary = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly string _folder;

    private Nginx(Process process, string folder, int port, string thumbprint)
    {
        _process = process;
        _folder = folder;
        Port = port;
        Thumbprint = thumbprint;
    }

    public int Port { get; }

    /// <summary>The public URL clients use: https on <see cref="HostName"/>.</summary>
    public Uri BaseAddress => new($"https://{HostName}:{Port}/");

    public string Thumbprint { get; }

    /// <summary>Null when nginx can run here, else why not.</summary>
    public static string? Unavailable => File.Exists(Binary) ? null : $"no nginx at {Binary} (apt-get install nginx)";

    /// <summary>Skips (or under CI=true fails) the calling test when nginx is not installed.</summary>
    public static void RequireAvailable()
    {
        if (Unavailable is not { } reason)
        {
            return;
        }

        if (TestEnvironment.IsCi)
        {
            Assert.Fail("The proxy suite may not skip under CI=true: " + reason);
        }

        Assert.Skip("Proxy suite skipped: " + reason);
    }

    /// <summary>A free port for nginx, chosen before the upstreams start (they need the public URL).</summary>
    public static int ReservePort() => ServerProcess.FreePort();

    public static async Task<Nginx> StartAsync(int port, IEnumerable<Uri> upstreams)
    {
        var folder = Directory.CreateTempSubdirectory("akua-nginx-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // Run as root, nginx's workers are "nobody": they may need to reach the temporary folders.
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var thumbprint = WriteCertificate(folder);
        // Around the guide's file, what Debian's /etc/nginx/nginx.conf gives it, in this test's own folder.
        var configuration = $$"""
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            worker_processes 1;
            events { worker_connections 512; }
            http {
              access_log off;
              client_body_temp_path {{folder}}/body;
              proxy_temp_path {{folder}}/proxy;
              fastcgi_temp_path {{folder}}/fastcgi;
              uwsgi_temp_path {{folder}}/uwsgi;
              scgi_temp_path {{folder}}/scgi;
            {{GuideConfiguration(port, upstreams, folder)}}
            }
            """;
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), configuration);

        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", folder, "-e", Path.Combine(folder, "error.log"), "-c", Path.Combine(folder, "nginx.conf"), "-g", "daemon off;" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        var nginx = new Nginx(process, folder, port, thumbprint);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited: {await process.StandardError.ReadToEndAsync()} {ErrorLog(folder)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return nginx;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        await nginx.DisposeAsync();
        throw new InvalidOperationException("nginx did not listen within 30 s: " + ErrorLog(folder));
    }

    /// <summary>A client of the public URL whose connections come from <paramref name="from"/> (any 127.0.0.0/8 address).</summary>
    public HttpClient ClientFrom(string from, bool cookies = true) => new(new SocketsHttpHandler
    {
        UseCookies = cookies,
        CookieContainer = new CookieContainer(),
        AllowAutoRedirect = false,
        ConnectCallback = (_, cancellationToken) => ConnectFromAsync(from, new IPEndPoint(IPAddress.Loopback, Port), cancellationToken),
        // The test's own certificate, and only it.
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(HashAlgorithmName.SHA256) == Thumbprint },
    })
    { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A connection to <paramref name="to"/> from a chosen loopback address.</summary>
    public static async ValueTask<Stream> ConnectFromAsync(string from, IPEndPoint to, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
            await socket.ConnectAsync(to, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(bounded.Token);
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string ErrorLog(string folder) =>
        File.Exists(Path.Combine(folder, "error.log")) ? File.ReadAllText(Path.Combine(folder, "error.log")) : "(no error log)";

    /// <summary>
    /// docs/deploy.md's nginx file, as an operator puts it in <c>conf.d</c>, with only the example's addresses,
    /// port, name and certificate paths replaced by this test's.
    /// </summary>
    public static string GuideConfiguration(int port, IEnumerable<Uri> upstreams, string folder)
    {
        var guide = DeployGuide.Block("nginx");
        var examples = guide.Split('\n').Where(line => line.TrimStart().StartsWith("server 10.0.0.", StringComparison.Ordinal)).ToList();
        if (examples.Count == 0)
        {
            throw new InvalidOperationException("docs/deploy.md's nginx block has no 'server 10.0.0.x:port ...;' upstream lines");
        }

        var options = examples[0].Trim()["server ".Length..].Split(' ', 2) is [_, var rest] ? " " + rest.TrimEnd(';') : "";
        var servers = string.Join('\n', upstreams.Select(u => $"    server {u.Host}:{u.Port}{options};"));
        var lines = guide.Split('\n').Where(line => !examples.Skip(1).Contains(line)).Select(line => line == examples[0] ? servers : line);
        return DeployGuide.Substitute(string.Join('\n', lines), new Dictionary<string, string>
        {
            ["listen 443 ssl;"] = $"listen 127.0.0.1:{port} ssl;",
            ["server_name auth.example.com;"] = $"server_name {HostName} localhost;",
            ["/etc/nginx/tls/auth.example.com.crt"] = Path.Combine(folder, "cert.pem"),
            ["/etc/nginx/tls/auth.example.com.key"] = Path.Combine(folder, "key.pem"),
        }, "nginx block");
    }

    /// <summary>The certificate nginx presents (for curl's <c>CURL_CA_BUNDLE</c>).</summary>
    public string CertificatePath => Path.Combine(_folder, "cert.pem");

    private static string WriteCertificate(string folder)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={HostName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HostName);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        File.WriteAllText(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "key.pem"), rsa.ExportPkcs8PrivateKeyPem());
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
