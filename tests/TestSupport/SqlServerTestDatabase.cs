using Akua.Infrastructure.Persistence;
using DotNet.Testcontainers.Builders;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace Akua.TestSupport;

/// <summary>
/// SQL Server from <c>AKUA_TEST_SQLSERVER</c>, else a throwaway container through Testcontainers when a Docker
/// engine answers, else skipped with the reason.
/// </summary>
public sealed class SqlServerTestDatabase : TestDatabase
{
    private MsSqlContainer? _container;
    private string? _admin;
    private string? _name;

    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;

    protected override async Task<(DatabaseOptions? Options, string? SkipReason)> CreateAsync()
    {
        _admin = TestEnvironment.SqlServer;
        if (_admin is null)
        {
            try
            {
                _container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
                await _container.StartAsync();
                _admin = _container.GetConnectionString();
            }
            catch (Exception e) when (e is DockerUnavailableException or TimeoutException or InvalidOperationException)
            {
                return (null, $"no Docker engine answered for Testcontainers ({e.GetType().Name}) and {TestEnvironment.SqlServerVariable} is not set");
            }
        }

        _name = UniqueName();
        await using (var connection = new SqlConnection(_admin))
        {
            await connection.OpenAsync();
            await using var create = new SqlCommand($"CREATE DATABASE [{_name}]", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new SqlConnectionStringBuilder(_admin) { InitialCatalog = _name }.ToString();
        return (new DatabaseOptions(DatabaseProvider.SqlServer, connectionString), null);
    }

    protected override async Task DropAsync(DatabaseOptions options)
    {
        SqlConnection.ClearAllPools();
        if (_container is not null)
        {
            await _container.DisposeAsync();
            return;
        }

        await using var connection = new SqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new SqlCommand($"ALTER DATABASE [{_name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{_name}]", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
