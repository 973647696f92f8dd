using Akua.Infrastructure.Persistence;
using Npgsql;

namespace Akua.TestSupport;

/// <summary>A new database on the server named by <c>AKUA_TEST_POSTGRES</c>, dropped afterwards.</summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    private string? _name;

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSQL;

    protected override async Task<(DatabaseOptions? Options, string? SkipReason)> CreateAsync()
    {
        if (TestEnvironment.Postgres is not { } admin)
        {
            return (null, $"{TestEnvironment.PostgresVariable} is not set");
        }

        _name = UniqueName();
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _name }.ToString();
        return (new DatabaseOptions(DatabaseProvider.PostgreSQL, connectionString), null);
    }

    protected override async Task DropAsync(DatabaseOptions options)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestEnvironment.Postgres);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
