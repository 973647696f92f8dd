using Akua.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Akua.TestSupport;

/// <summary>
/// A fresh, migrated database on one engine for one test class. A suite whose engine is not there is
/// skipped with the reason, except where CI requires the engine: then it fails.
/// </summary>
public abstract class TestDatabase : IAsyncLifetime
{
    private DatabaseOptions? _options;

    public abstract DatabaseProvider Provider { get; }

    /// <summary>False leaves the new database empty, as an operator finds it before <c>migrate</c>.</summary>
    public bool Migrate { get; init; } = true;

    /// <summary>Why this engine is not available here; null when it is.</summary>
    public string? SkipReason { get; private set; }

    public DatabaseOptions Options => _options ?? throw new InvalidOperationException(SkipReason ?? "Not initialized.");

    /// <summary>Skips (or under CI fails) the calling test when this engine is not available.</summary>
    public void RequireAvailable()
    {
        if (SkipReason is null)
        {
            return;
        }

        if (TestEnvironment.MustRun(Provider))
        {
            Assert.Fail($"{Provider} is required under CI=true but is not available: {SkipReason}");
        }

        Assert.Skip($"{Provider} suite skipped: {SkipReason}");
    }

    public AkuaDbContext NewContext()
    {
        RequireAvailable();
        return new AkuaDbContext(Options.ToContextOptions());
    }

    public async ValueTask InitializeAsync()
    {
        var (options, skipReason) = await CreateAsync();
        SkipReason = skipReason;
        if (options is null)
        {
            return;
        }

        _options = options;
        if (!Migrate)
        {
            return;
        }

        await using var db = new AkuaDbContext(options.ToContextOptions());
        await db.Database.MigrateAsync(); // the real migrations, not EnsureCreated
    }

    public async ValueTask DisposeAsync()
    {
        if (_options is not null)
        {
            await DropAsync(_options);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Makes an empty database, or says why it cannot.</summary>
    protected abstract Task<(DatabaseOptions? Options, string? SkipReason)> CreateAsync();

    protected abstract Task DropAsync(DatabaseOptions options);

    protected static string UniqueName() => "akua_test_" + Guid.NewGuid().ToString("N")[..12];
}
