using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Akua.Infrastructure.Tests.Persistence;

/// <summary>
/// Issue 21: a pooled PostgreSQL connection goes back to the pool as it is, without Npgsql's <c>DISCARD ALL</c> before
/// its next use (a second statement, and a transaction of its own, for every query). A setting left on the connection
/// shows whether the reset ran: one physical connection (a pool of one) serves two contexts in turn.
/// </summary>
public sealed class PostgresPoolTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    [Fact]
    public async Task A_pooled_connection_is_not_reset_before_its_next_use()
    {
        Assert.Equal("kept", await SettingAfterReturnAsync(""));
    }

    [Fact]
    public async Task A_connection_string_that_asks_for_the_reset_gets_it()
    {
        Assert.Equal("", await SettingAfterReturnAsync(";No Reset On Close=false"));
    }

    private async Task<string?> SettingAfterReturnAsync(string extra)
    {
        database.RequireAvailable();
        var stop = TestContext.Current.CancellationToken;
        // Its own pool (an application name no other test uses), of one connection.
        var options = database.Options with { ConnectionString = database.Options.ConnectionString + $";Application Name=pool-{Guid.NewGuid():N};Maximum Pool Size=1" + extra };
        await using (var first = new AkuaDbContext(options.ToContextOptions()))
        {
            await first.Database.ExecuteSqlRawAsync("SET akua.probe = 'kept'", stop);
        }

        await using var second = new AkuaDbContext(options.ToContextOptions());
        return await second.Database.SqlQueryRaw<string>("SELECT coalesce(current_setting('akua.probe', true), '') AS \"Value\"").SingleAsync(stop);
    }
}
