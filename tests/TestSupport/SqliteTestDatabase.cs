using Akua.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;

namespace Akua.TestSupport;

/// <summary>SQLite in a temporary file (not in-memory: concurrency tests need several connections).</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    private string? _path;

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override Task<(DatabaseOptions? Options, string? SkipReason)> CreateAsync()
    {
        _path = Path.Combine(Path.GetTempPath(), UniqueName() + ".db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = _path, DefaultTimeout = 30 }.ToString();
        return Task.FromResult<(DatabaseOptions?, string?)>((new DatabaseOptions(DatabaseProvider.Sqlite, connectionString), null));
    }

    protected override Task DropAsync(DatabaseOptions options)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }

        // The key ring's folder beside the file (ADR 0018).
        if (Akua.Infrastructure.Security.KeyRingLocation.FolderBeside(options.ConnectionString) is { } keys && Directory.Exists(keys))
        {
            Directory.Delete(keys, recursive: true);
        }

        return Task.CompletedTask;
    }
}
