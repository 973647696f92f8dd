using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Akua.Infrastructure.Persistence;

/// <summary>
/// Brings the database to the code at start-up. SQLite (one node, the zero set-up default) migrates itself.
/// A server database is migrated by an operator (<c>migrate</c>); a node that finds it behind refuses to start
/// rather than run half-migrated next to nodes of another version.
/// </summary>
public sealed partial class DatabaseStartup(AkuaDbContext db, DatabaseOptions options, ILogger<DatabaseStartup> logger)
{
    public const string MigrateCommand = "dotnet Akua.WebApi.dll migrate (from a checkout: dotnet run --project src/WebApi -- migrate)";

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            await MigrateAsync(cancellationToken);
            return;
        }

        await EnsureReachableAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new StartupException(
                $"The {options.Provider} database is behind the code ({pending.Count} migration(s) pending, first {pending[0]}). " +
                $"Apply them with: {MigrateCommand}");
        }
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            EnsureSqliteFolder();
        }
        else
        {
            await EnsureReachableAsync(cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // Readers do not block the writer, and the writer does not block readers.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        LogMigrated(logger, options.Provider, pending.Count);
    }

    private async Task EnsureReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.CloseConnectionAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StartupException($"Cannot reach the {options.Provider} database: {e.GetBaseException().Message.ReplaceLineEndings(" ")}");
        }
    }

    private void EnsureSqliteFolder()
    {
        var dataSource = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder) && dataSource != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ({Provider}) is up to date; {Applied} migration(s) applied")]
    private static partial void LogMigrated(ILogger logger, DatabaseProvider provider, int applied);
}
