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
            EnsureSqliteFile();
        }
        else
        {
            await EnsureReachableAsync(cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            // Only then: migrating builds the history table's model and its script even when nothing is pending.
            await db.Database.MigrateAsync(cancellationToken);
        }

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

    /// <summary>
    /// The folder, and an empty database file in it: EF Core asks whether a database exists by opening it read-only,
    /// which on a new file fails with an exception (twice per start, each a few dozen milliseconds when cold).
    /// </summary>
    private void EnsureSqliteFile()
    {
        var dataSource = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder) && dataSource != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }

        using var connection = new SqliteConnection(options.ConnectionString);
        connection.Open(); // creates the file, unless the connection string says otherwise (Mode=ReadWrite)
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ({Provider}) is up to date; {Applied} migration(s) applied")]
    private static partial void LogMigrated(ILogger logger, DatabaseProvider provider, int applied);
}
