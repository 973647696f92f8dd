using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Akua.Infrastructure.Persistence;
using Akua.TestSupport;

namespace Akua.Reliability.Tests;

/// <summary>Server processes on loopback ports sharing one database: the nodes behind a load balancer.</summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly List<ServerProcess> _nodes = [];
    private readonly Dictionary<string, string> _environment;

    private Cluster(Dictionary<string, string> environment) => _environment = environment;

    public IReadOnlyList<ServerProcess> Nodes => _nodes;

    public IReadOnlyList<HttpClient> Clients { get; private set; } = [];

    public static string ContentRoot => Path.Combine(Repository.Root, "src", "WebApi");

    /// <summary>Environment for a node on <paramref name="database"/>, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> EnvironmentFor(DatabaseOptions database, IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = database.Provider.ToString(),
            ["ConnectionStrings__Akua"] = database.ConnectionString,
            ["LastUse__FlushInterval"] = "00:00:00.200",
            ["Serilog__MinimumLevel__Default"] = "Warning",
            // The tests' sign-ins and device logins all come from a few loopback addresses.
            ["RateLimits__DeviceCodesPerMinute"] = "100000",
        };
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            // Production on a shared database refuses to start without a key-ring certificate (ADR 0018).
            foreach (var (key, value) in KeyRingCertificate.Environment())
            {
                environment[key] = value;
            }
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }

    public static async Task<Cluster> StartAsync(DatabaseOptions database, int nodes, IReadOnlyDictionary<string, string>? extra = null)
    {
        var cluster = new Cluster(EnvironmentFor(database, extra));
        for (var i = 0; i < nodes; i++)
        {
            cluster._nodes.Add(ServerProcess.Start(ContentRoot, cluster._environment));
        }

        foreach (var node in cluster._nodes)
        {
            await EnsureReadyAsync(node);
        }

        // API clients, as scripts are: no cookie jar (a browser's device cookie would change what sign-in counts).
        cluster.Clients = [.. cluster._nodes.Select(n => new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = n.BaseAddress, Timeout = TimeSpan.FromSeconds(30) })];
        return cluster;
    }

    public static async Task EnsureReadyAsync(ServerProcess node)
    {
        if (!await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)))
        {
            throw new InvalidOperationException("A node did not start: " + node.StandardOutput + node.StandardError);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
        {
            client.Dispose();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}

/// <summary>The public API calls the suites make, over plain HTTP.</summary>
public static class Api
{
    public const string Password = "correct horse battery";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<(string Email, string Session, string Workspace)> SignUpAsync(HttpClient http)
    {
        var email = $"rel-{Guid.NewGuid():N}@example.com";
        var response = await http.PostAsJsonAsync("/api/auth/sign-up/email", new { email, password = Password, name = "Reliability" }, Cancel);
        Assert.Equal(201, (int)response.StatusCode);
        var session = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("token").GetString()!;
        var workspaces = await (await SendAsync(http, HttpMethod.Get, "/v1/workspaces", session)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        return (email, session, workspaces.GetProperty("data")[0].GetProperty("id").GetString()!);
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? token, string? workspace = null, object? body = null) =>
        SendUntilAsync(http, method, path, token, workspace, body, Cancel);

    public static async Task<HttpResponseMessage> SendUntilAsync(HttpClient http, HttpMethod method, string path, string? token, string? workspace, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (workspace is not null)
        {
            request.Headers.Add("Akua-Context", workspace);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>Creates an API token; returns its id and secret.</summary>
    public static async Task<(string Id, string Token)> CreateTokenAsync(HttpClient http, string session, string workspace, string name = "reliability")
    {
        var response = await SendAsync(http, HttpMethod.Post, "/v1/api_tokens", session, workspace, new { name });
        Assert.Equal(201, (int)response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        return (body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!);
    }

    public static async Task<int> WhoAmIAsync(HttpClient http, string token, CancellationToken cancellationToken) =>
        (int)(await SendUntilAsync(http, HttpMethod.Get, "/v1/auth/whoami", token, null, null, cancellationToken)).StatusCode;
}

/// <summary>Figures a suite measured, for docs/reliability.md: printed, and kept in artifacts/reliability/.</summary>
public static class Figures
{
    private static readonly Lock Gate = new();

    public static void Record(string name, object value)
    {
        var line = $"{name}: {value}";
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("reliability figure: " + line);
        var folder = Path.Combine(Repository.Root, "artifacts", "reliability");
        lock (Gate)
        {
            Directory.CreateDirectory(folder);
            File.AppendAllText(Path.Combine(folder, "figures.txt"), $"{DateTime.UtcNow:O} {line}{Environment.NewLine}");
        }
    }

    public static double Elapsed(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}
