using System.Net.Http.Json;
using System.Text.Json;
using Akua.TestSupport;

namespace Akua.Cli.Tests;

/// <summary>The real server as a process on a loopback port, on a temporary SQLite file.</summary>
public class ServerFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("akua-cli-").FullName;
    private ServerProcess? _server;

    public Uri BaseAddress => _server!.BaseAddress;

    public string ApiUrl => BaseAddress.ToString().TrimEnd('/');

    public HttpClient Http { get; private set; } = new();

    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public virtual async ValueTask InitializeAsync()
    {
        var environment = new Dictionary<string, string>(Settings)
        {
            ["ConnectionStrings__Akua"] = $"Data Source={Path.Combine(_data, "akua.db")}",
            ["LastUse__FlushInterval"] = "00:00:00.200",
        };
        _server = ServerProcess.Start(Path.Combine(Repository.Root, "src", "WebApi"), environment);
        if (!await _server.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)))
        {
            throw new InvalidOperationException("The server did not start: " + _server.StandardOutput + _server.StandardError);
        }

        Http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    /// <summary>A new account; returns its email and session token.</summary>
    public async Task<(string Email, string Token)> SignUpAsync()
    {
        var email = $"cli-{Guid.NewGuid():N}@example.com";
        var response = await Http.PostAsJsonAsync("/api/auth/sign-up/email", new { email, password = Password, name = "Cli User" }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (email, (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("token").GetString()!);
    }

    public const string Password = "correct horse battery";

    /// <summary>A new account whose session is stored by <c>cnap auth login --token</c> in a fresh home.</summary>
    public async Task<Cnap> LoggedInAsync()
    {
        var (_, session) = await SignUpAsync();
        var cnap = new Cnap(ApiUrl);
        (await cnap.RunAsync("auth", "login", "--token", session)).Expect(ExitCodes.Ok);
        return cnap;
    }

    public async Task<int> WhoAmIStatusAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/auth/whoami");
        request.Headers.Authorization = new("Bearer", token);
        return (int)(await Http.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode;
    }

    public virtual async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>A server that allows one device login per minute per address, to see the rate limit.</summary>
public sealed class LowLimitServerFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["RateLimits__DeviceCodesPerMinute"] = "1" };
}

/// <summary>
/// A server whose public URL is a relay in front of it, so everything the CLI does (discovery, polling) goes
/// through a link the test can cut and mend.
/// </summary>
public sealed class RelayedServerFixture : ServerFixture
{
    public TcpProxy Relay { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Akua__PublicUrl"] = Relay.Url };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Relay.Target = new System.Net.DnsEndPoint(BaseAddress.Host, BaseAddress.Port);
    }

    public override async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        await base.DisposeAsync();
    }
}
