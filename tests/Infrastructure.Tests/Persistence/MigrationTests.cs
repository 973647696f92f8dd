using Akua.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Akua.Infrastructure.Tests.Persistence;

/// <summary>Checks of the three migration histories that need no database server.</summary>
public sealed class MigrationTests
{
    private static AkuaDbContext ContextFor(DatabaseProvider provider) => new(new DatabaseOptions(provider, provider switch
    {
        DatabaseProvider.Sqlite => "Data Source=unused.db",
        DatabaseProvider.PostgreSQL => "Host=unused;Database=unused",
        _ => "Server=unused;Database=unused",
    }).ToContextOptions());

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void The_model_has_no_changes_missing_from_its_migrations(DatabaseProvider provider)
    {
        using var db = ContextFor(provider);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model differs from the {provider} migrations: add one with dotnet ef migrations add <Name> --project src/Migrations.{provider} --startup-project src/Migrations.{provider} --output-dir Migrations");
    }

    [Fact]
    public void Each_engine_reads_its_own_migrations_assembly()
    {
        foreach (var provider in Enum.GetValues<DatabaseProvider>())
        {
            using var db = ContextFor(provider);
            var migrations = db.GetService<IMigrationsAssembly>();
            Assert.Equal($"Akua.Migrations.{provider}", migrations.Assembly.GetName().Name);
        }
    }

    [Fact]
    public void The_idempotent_SQL_Server_script_parses_without_errors()
    {
        using var db = ContextFor(DatabaseProvider.SqlServer);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(script);
        parser.Parse(reader, out var errors);

        Assert.Contains("CREATE TABLE [Users]", script, StringComparison.Ordinal);
        Assert.Empty(errors.Select(e => $"line {e.Line}: {e.Message}"));
    }
}
