using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Npgsql;

namespace Akua.WebApi.FunctionalTests;

/// <summary>A server whose PostgreSQL goes away and comes back (through a proxy the test can cut).</summary>
public sealed class CuttablePostgresApiFactory() : AkuaApiFactory(() => new PostgresTestDatabase())
{
    public TcpProxy? Proxy { get; private set; }

    protected override string ConnectionString
    {
        get
        {
            var direct = new NpgsqlConnectionStringBuilder(Database.Options.ConnectionString);
            Proxy ??= new TcpProxy(direct.Host!, direct.Port);
            direct.Host = "127.0.0.1";
            direct.Port = Proxy.Port;
            direct.Timeout = 2;
            direct.CommandTimeout = 2;
            return direct.ToString();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

public sealed class DatabaseFaultTests(CuttablePostgresApiFactory factory) : IClassFixture<CuttablePostgresApiFactory>
{
    [Fact]
    public async Task Without_its_database_the_server_answers_503_quickly_and_recovers_without_a_restart()
    {
        var client = factory.CreateClient();
        Assert.Equal(200, (int)(await client.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);

        factory.Proxy!.Cut();
        try
        {
            var started = DateTime.UtcNow;
            var ready = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);
            var signUp = await client.PostJsonAsync("/api/auth/sign-up/email", Accounts.SignUpBody());
            var elapsed = DateTime.UtcNow - started;

            var notReady = await ready.AssertErrorAsync(503, "service_unavailable");
            Assert.Equal("database", notReady.GetProperty("details")[0].GetProperty("field").GetString());
            await signUp.AssertErrorAsync(503, "service_unavailable");
            Assert.True(elapsed < TimeSpan.FromSeconds(6), $"two requests took {elapsed}");
            Assert.Equal(200, (int)(await client.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        }
        finally
        {
            factory.Proxy.Restore();
        }

        Assert.Equal(200, (int)(await client.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(201, (int)(await client.PostJsonAsync("/api/auth/sign-up/email", Accounts.SignUpBody())).StatusCode);
    }
}
