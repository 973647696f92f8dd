using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Akua.Infrastructure.Credentials.LastUse;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// Last use is recorded without a write per request, a flush is a few statements whatever the number of
/// credentials, and nothing is lost on a clean shutdown. On SQLite and on PostgreSQL.
/// </summary>
public abstract class LastUseTests
{
    /// <param name="flushInterval">LastUse:FlushInterval; the factory's short default when null.</param>
    protected abstract AkuaApiFactory NewFactory(string? flushInterval = null);

    [Fact]
    public async Task Many_uses_within_a_minute_cost_one_write()
    {
        await using var factory = NewFactory();
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
        // One flush: the last use, and the day's request count (one upsert).
        Assert.Equal(2, factory.Meter.Writes - before);
    }

    [Fact]
    public async Task Every_request_is_counted_for_the_day_and_none_is_lost_on_a_clean_shutdown()
    {
        var factory = NewFactory();
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
        var factory = NewFactory("01:00:00"); // nothing is written while running
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

    /// <summary>
    /// Issue 21: a flush writes every due credential in one statement per table (sessions, tokens, the day's counts),
    /// not one or more per credential, and each lands.
    /// </summary>
    [Fact]
    public async Task A_flush_writes_many_credentials_in_three_statements()
    {
        await using var factory = NewFactory("01:00:00"); // flushed by the test alone
        await factory.InitializeAsync();
        var stop = TestContext.Current.CancellationToken;
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var tokens = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            tokens.Add((await admin.CreateApiTokenAsync()).Token);
        }

        var users = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            users.Add(await factory.SignUpAsync());
        }

        foreach (var credential in tokens.Concat(users.Select(u => u.Token)))
        {
            await factory.Api(credential).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        }

        var recorder = factory.Services.GetRequiredService<LastUseRecorder>();
        var before = factory.Meter.Writes;
        var reported = factory.Meter.LastUse;
        var written = await recorder.FlushAsync(everything: false, stop);

        Assert.True(written >= tokens.Count + users.Count, $"the flush wrote {written} credentials");
        Assert.Equal(3, factory.Meter.Writes - before);
        // And the node says so to its operator: one flush, three statements, every credential.
        Assert.Equal((reported.Flushes + 1, reported.Statements + 3, reported.Credentials + written), factory.Meter.LastUse);
        await using var db = new AkuaDbContext(factory.Database.Options.ToContextOptions());
        Assert.Equal(tokens.Count, await db.ApiTokens.CountAsync(t => t.LastUsedAt != null, stop));
        Assert.Equal(tokens.Count, await db.ApiTokenUsage.CountAsync(u => u.Requests == 1, stop));
        // Every session (the admin's and each user's) was used after its sign-up: the flush moved its last use on.
        Assert.Equal(users.Count + 1, await db.Sessions.CountAsync(s => s.LastUsedAt > s.CreatedAt, stop));

        // Written again a minute later, the day's counts add up instead of colliding with their rows.
        foreach (var token in tokens)
        {
            await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        }

        await recorder.FlushAsync(everything: true, stop);
        Assert.Equal(tokens.Count, await db.ApiTokenUsage.CountAsync(u => u.Requests == 2, stop));
    }
}

public sealed class SqliteLastUseTests : LastUseTests
{
    protected override AkuaApiFactory NewFactory(string? flushInterval = null) =>
        flushInterval is null ? new SqliteApiFactory() : new SqliteApiFactory { LastUseFlushInterval = flushInterval };
}

public sealed class PostgresLastUseTests : LastUseTests
{
    protected override AkuaApiFactory NewFactory(string? flushInterval = null) =>
        flushInterval is null ? new PostgresApiFactory() : new PostgresApiFactory { LastUseFlushInterval = flushInterval };
}
