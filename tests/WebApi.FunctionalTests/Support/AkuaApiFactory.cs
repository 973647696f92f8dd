using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Akua.WebApi.FunctionalTests.Support;

/// <summary>The real server, in process, on a real database of the given engine.</summary>
public class AkuaApiFactory(Func<TestDatabase> databaseFactory) : WebApplicationFactory<Program>, IAsyncLifetime
{
    public TestDatabase Database { get; } = databaseFactory();

    /// <summary>Overrides the connection string the server uses (for example, through a fault-injecting proxy).</summary>
    protected virtual string ConnectionString => Database.Options.ConnectionString;

    public virtual async ValueTask InitializeAsync() => await Database.InitializeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Database.RequireAvailable();
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Akua", ConnectionString);
    }
}

public sealed class SqliteApiFactory() : AkuaApiFactory(() => new SqliteTestDatabase());

public sealed class PostgresApiFactory() : AkuaApiFactory(() => new PostgresTestDatabase());
