using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serilog.Core;

namespace Akua.WebApi.FunctionalTests.Support;

/// <summary>The real server, in process, on a real database of the given engine.</summary>
public class AkuaApiFactory(Func<TestDatabase> databaseFactory) : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDatabase Database { get; } = databaseFactory();

    /// <summary>Every log event the server wrote, rendered with its properties.</summary>
    public CapturingSink Log { get; } = new();

    /// <summary>When set before the first client, the server's clock: tests move time with it.</summary>
    public FakeTimeProvider? Clock { get; init; }

    /// <summary>How often the last-use buffer is written (short by default, so tests see writes soon).</summary>
    public string LastUseFlushInterval { get; init; } = "00:00:00.100";

    private AkuaMeterReader? _meter;

    /// <summary>The server's <c>Akua</c> meter, read from when this is first asked for (database commands, cache lookups).</summary>
    public AkuaMeterReader Meter => LazyInitializer.EnsureInitialized(ref _meter, () => new AkuaMeterReader(Services));

    /// <summary>Overrides the connection string the server uses (for example, through a fault-injecting proxy).</summary>
    protected virtual string ConnectionString => Database.Options.ConnectionString;

    public virtual async ValueTask InitializeAsync() => await Database.InitializeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _meter?.Dispose();
        await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the server as a clean shutdown does, leaving the database for the test to read.</summary>
    public async ValueTask DisposeAsyncKeepingDatabase()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Database.RequireAvailable();
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Akua", ConnectionString);
        builder.UseSetting("LastUse:FlushInterval", LastUseFlushInterval);
        builder.UseSetting("Akua:PublicUrl", "http://localhost"); // required outside Development: the test client's own address
        builder.UseSetting("RateLimits:SignUpsPerHour", "1000000"); // every test signs up from the one test address
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILogEventSink>(Log);
            if (Clock is not null)
            {
                services.AddSingleton<TimeProvider>(Clock);
            }
        });
    }
}

public sealed class SqliteApiFactory() : AkuaApiFactory(() => new SqliteTestDatabase());

public sealed class PostgresApiFactory() : AkuaApiFactory(() => new PostgresTestDatabase());

/// <summary>SQLite, with a clock the tests move (expiry, sliding sessions).</summary>
public sealed class FakeClockApiFactory : AkuaApiFactory
{
    public FakeClockApiFactory()
        : base(() => new SqliteTestDatabase()) => Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
}
