using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Akua.TestSupport;

namespace Akua.Reliability.Tests;

/// <summary>A real server on SQLite: guessing floods from many loopback addresses, and oversized requests.</summary>
public sealed class AbuseFixture : IAsyncLifetime
{
    private readonly SqliteTestDatabase _database = new();

    public ServerProcess Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        Server = ServerProcess.Start(Cluster.ContentRoot, Cluster.EnvironmentFor(_database.Options));
        await Cluster.EnsureReadyAsync(Server);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>A client whose connections come from <paramref name="address"/> (any of 127.0.0.0/8 is loopback on Linux).</summary>
    public HttpClient ClientFrom(string address, bool cookies = false)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = cookies,
            CookieContainer = new CookieContainer(),
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = Server.BaseAddress };
    }
}

public sealed class AbuseTests(AbuseFixture fixture) : IClassFixture<AbuseFixture>
{
    private static string Address(int i) => $"127.{1 + (i / 250 % 250)}.{i % 250}.{1 + (i / 62500)}";

    [Fact]
    public async Task A_password_guessing_flood_from_150_addresses_gets_exactly_the_per_email_limit_of_guesses()
    {
        using var first = fixture.ClientFrom("127.0.0.1");
        var (email, _, _) = await Api.SignUpAsync(first);
        var clients = Enumerable.Range(0, 150).Select(i => fixture.ClientFrom(Address(i))).ToList();
        var statuses = new List<int>();
        using var gate = new SemaphoreSlim(16);
        var attempts = Enumerable.Range(0, 300).Select(async i =>
        {
            await gate.WaitAsync(TestContext.Current.CancellationToken);
            try
            {
                var response = await clients[i % clients.Count].PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = $"guess {i}" }, TestContext.Current.CancellationToken);
                lock (statuses)
                {
                    statuses.Add((int)response.StatusCode);
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(attempts);

        // Counted before the password is checked, atomically: 10 guesses were judged, whatever the concurrency.
        Assert.Equal(10, statuses.Count(s => s == 401));
        Assert.Equal(290, statuses.Count(s => s == 429));
        var right = await clients[0].PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = Api.Password }, TestContext.Current.CancellationToken);
        Assert.Equal(429, (int)right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);
        Figures.Record("sign-in flood: attempts / addresses / passwords judged (limit 10)", $"300 / 150 / {statuses.Count(s => s == 401)}");
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task A_user_code_guessing_flood_from_100_addresses_gets_exactly_the_per_user_limit_of_guesses()
    {
        using var signUp = fixture.ClientFrom("127.0.0.1");
        var (email, _, _) = await Api.SignUpAsync(signUp);
        var browsers = new List<BrowserSession>();
        for (var i = 0; i < 100; i++)
        {
            // The same person, signed in from 100 addresses (one browser each).
            browsers.Add(await BrowserSession.SignInAsync(fixture.ClientFrom(Address(1000 + i), cookies: true), email, Api.Password));
        }

        var answers = new List<string>();
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            await gate.WaitAsync(TestContext.Current.CancellationToken);
            try
            {
                var page = await browsers[i % browsers.Count].LookUpDeviceCodeAsync($"QQQQ-{1000 + i}");
                lock (answers)
                {
                    answers.Add(page.Contains("Too many wrong codes", StringComparison.Ordinal) ? "limited"
                        : page.Contains("That code is not valid", StringComparison.Ordinal) ? "wrong" : "other");
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.Equal(10, answers.Count(a => a == "wrong"));
        Assert.Equal(190, answers.Count(a => a == "limited"));
        Figures.Record("user-code flood: guesses / addresses / codes judged (limit 10)", $"200 / 100 / {answers.Count(a => a == "wrong")}");
    }

    [Fact]
    public async Task A_declared_oversized_body_is_refused_before_it_is_read()
    {
        using var http = fixture.ClientFrom("127.0.0.1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-up/email") { Content = new ByteArrayContent(new byte[70 * 1024]) };
        request.Content.Headers.ContentType = new("application/json");
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(413, (int)response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("payload_too_large", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_cut_off_with_413()
    {
        using var http = fixture.ClientFrom("127.0.0.1");
        var huge = "{\"name\":\"" + new string('a', 200 * 1024) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-up/email")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))), // no length: sent chunked
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(413, (int)response.StatusCode);
    }

    [Fact]
    public async Task Headers_over_the_limit_are_refused_with_431_before_the_application_runs()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Server.Port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var request = $"GET /v1/auth/whoami HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', 40 * 1024)}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
        Assert.StartsWith("HTTP/1.1 431", Encoding.ASCII.GetString(buffer, 0, read));
    }

    [Fact]
    public async Task The_server_is_still_healthy_after_the_floods()
    {
        using var http = fixture.ClientFrom("127.0.0.1");
        Assert.Equal(200, (int)(await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);
    }
}
