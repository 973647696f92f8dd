using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;

namespace Akua.WebApi.FunctionalTests;

/// <summary>Last use is recorded without a write per request, and nothing is lost on a clean shutdown.</summary>
public sealed class LastUseTests
{
    [Fact]
    public async Task Many_uses_within_a_minute_cost_one_write()
    {
        await using var factory = new SqliteApiFactory();
        await factory.InitializeAsync();
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        await Task.Delay(500, TestContext.Current.CancellationToken); // the sign-up session's first use is written
        await factory.Api().ExpectAsync(200, HttpMethod.Get, "/.well-known/jwks.json"); // and the node's first signing key (ADR 0018)
        var before = factory.Meter.Writes;

        for (var i = 0; i < 30; i++)
        {
            await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        await Task.Delay(500, TestContext.Current.CancellationToken);
        // One flush: the last use, and the day's request count (an update that finds no row yet, then its insert).
        Assert.Equal(3, factory.Meter.Writes - before);
    }

    [Fact]
    public async Task Every_request_is_counted_for_the_day_and_none_is_lost_on_a_clean_shutdown()
    {
        var factory = new SqliteApiFactory();
        await factory.InitializeAsync();
        var ann = await factory.SignUpAsync();
        var (id, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        for (var i = 0; i < 30; i++)
        {
            await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        }

        // Whatever was written so far (the first flush comes within 100 ms, the rest wait for their minute), the
        // clean shutdown writes the rest.
        var usage = await factory.Api(ann.Token, ann.WorkspaceId).ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{id}/usage");
        Assert.InRange(usage.GetProperty("total").GetInt64(), 0, 30);
        var options = factory.Database.Options;
        await factory.DisposeAsyncKeepingDatabase();

        await using var after = new AkuaDbContext(options.ToContextOptions());
        var day = await after.ApiTokenUsage.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(30, day.Requests);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.InRange(day.Day, today.AddDays(-1), today);
        await factory.Database.DisposeAsync();
    }

    [Fact]
    public async Task A_clean_shutdown_writes_every_buffered_use()
    {
        var factory = new SqliteApiFactory { LastUseFlushInterval = "01:00:00" }; // nothing is written while running
        await factory.InitializeAsync();
        var ann = await factory.SignUpAsync();
        var (id, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        var options = factory.Database.Options;
        await using (var before = new AkuaDbContext(options.ToContextOptions()))
        {
            Assert.Null((await before.ApiTokens.SingleAsync(TestContext.Current.CancellationToken)).LastUsedAt);
        }

        await factory.DisposeAsyncKeepingDatabase();

        await using var after = new AkuaDbContext(options.ToContextOptions());
        Assert.NotNull((await after.ApiTokens.SingleAsync(TestContext.Current.CancellationToken)).LastUsedAt);
        await factory.Database.DisposeAsync();
    }
}
