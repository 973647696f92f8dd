using System.Reflection;
using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Scaffolding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;
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

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void The_compiled_model_is_what_dotnet_ef_would_generate_from_the_code_now(DatabaseProvider provider)
    {
        using var db = ContextFor(provider);
        // dotnet ef dbcontext optimize, in process: the provider's design-time services, the model built from
        // OnModelCreating (not the compiled one the context runs on), and EF Core's own generator.
        var providerAssembly = Assembly.Load(new System.Reflection.AssemblyName(db.Database.ProviderName!));
        var designTypeName = providerAssembly.GetCustomAttribute<DesignTimeProviderServicesAttribute>()!.TypeName;
        var services = new ServiceCollection().AddEntityFrameworkDesignTimeServices().AddDbContextDesignTimeServices(db);
        ((IDesignTimeServices)Activator.CreateInstance(providerAssembly.GetType(designTypeName, throwOnError: true)!)!).ConfigureDesignTimeServices(services);
        using var design = services.BuildServiceProvider();
        var options = new CompiledModelCodeGenerationOptions
        {
            ContextType = typeof(AkuaDbContext),
            ModelNamespace = $"Akua.Migrations.{provider}.CompiledModel",
            Language = "C#",
            UseNullableReferenceTypes = true,
        };
        var generated = design.GetRequiredService<ICompiledModelCodeGeneratorSelector>().Select(options)
            .GenerateModel(db.GetService<Microsoft.EntityFrameworkCore.Metadata.IDesignTimeModel>().Model, options)
            .ToDictionary(f => f.Path, f => Normalized(f.Code));

        var folder = Path.Combine(Repository.Root, "src", $"Migrations.{provider}", "CompiledModel");
        var committed = Directory.GetFiles(folder, "*.cs").ToDictionary(f => Path.GetFileName(f), f => Normalized(File.ReadAllText(f)));

        var stale = generated.Keys.Union(committed.Keys)
            .Where(file => generated.GetValueOrDefault(file) != committed.GetValueOrDefault(file))
            .Order().ToList();
        Assert.True(stale.Count == 0,
            $"The {provider} compiled model is stale ({string.Join(", ", stale)}): regenerate it with dotnet ef dbcontext optimize " +
            $"--project src/Migrations.{provider} --startup-project src/Migrations.{provider} --output-dir CompiledModel --namespace {options.ModelNamespace}");
        var compiled = new DatabaseOptions(provider, "unused").CompiledModel();
        Assert.NotNull(compiled);
        Assert.Same(compiled, db.Model); // and it is the one the context runs on

        // Each generation draws a new model id: the one difference that is not a difference.
        static string Normalized(string code) => System.Text.RegularExpressions.Regex.Replace(
            code.TrimStart('\uFEFF').ReplaceLineEndings("\n"), @"modelId: new Guid\(""[0-9a-f-]+""\)", "modelId: <any>");
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

    /// <summary>
    /// docs/deploy.md's rolling upgrade migrates before the old nodes stop, which is safe only for additive
    /// migrations: its table names each migration and says whether it is. A migration that is not in the table, or
    /// that the table calls additive while it drops, renames or alters something, fails here.
    /// </summary>
    [Fact]
    public void Every_migration_is_in_the_deploy_guides_table_as_additive_or_not()
    {
        var guide = File.ReadAllText(Path.Combine(Akua.TestSupport.Repository.Root, "docs", "deploy.md"));
        var start = guide.IndexOf("<!-- migrations:start -->", StringComparison.Ordinal);
        var end = guide.IndexOf("<!-- migrations:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/deploy.md has no migrations table");
        var table = guide[start..end].Split('\n').Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length >= 4 && cells[1].StartsWith('`'))
            .ToDictionary(cells => cells[1].Trim('`'), cells => cells[2].StartsWith("yes", StringComparison.Ordinal));

        var additive = new Dictionary<string, bool>();
        foreach (var provider in Enum.GetValues<DatabaseProvider>())
        {
            using var db = ContextFor(provider);
            var assembly = db.GetService<IMigrationsAssembly>();
            foreach (var (id, type) in assembly.Migrations)
            {
                var name = id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..];
                var migration = assembly.CreateMigration(type, db.GetService<IDatabaseProvider>().Name);
                var unsafeOperations = migration.UpOperations.Where(o => !IsAdditive(o)).Select(Describe).ToList();
                additive[name] = (additive.GetValueOrDefault(name, true) && unsafeOperations.Count == 0) || name == "Initial";
                Assert.True(table.ContainsKey(name), $"docs/deploy.md's migrations table does not list {name} ({provider}): add it, additive or not");
                Assert.True(!table[name] || unsafeOperations.Count == 0 || name == "Initial",
                    $"docs/deploy.md calls {name} additive, but on {provider} it does: {string.Join(", ", unsafeOperations)}");
            }
        }

        Assert.Empty(table.Keys.Except(additive.Keys)); // no row for a migration that does not exist
    }

    /// <summary>What old code running beside the new schema cannot trip on.</summary>
    private static bool IsAdditive(MigrationOperation operation) => operation switch
    {
        CreateTableOperation or CreateIndexOperation or AddForeignKeyOperation or InsertDataOperation => true,
        AddColumnOperation c => c.IsNullable || c.DefaultValue is not null || c.DefaultValueSql is not null || c.ComputedColumnSql is not null,
        // Hand-written SQL that only creates (a trigger and its function): nothing an old node reads or writes changes.
        SqlOperation sql => System.Text.RegularExpressions.Regex.IsMatch(sql.Sql, @"^\s*CREATE\b")
            && !System.Text.RegularExpressions.Regex.IsMatch(sql.Sql, @"\b(DROP|ALTER|UPDATE|DELETE|RENAME|TRUNCATE)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase),
        _ => false,
    };

    private static string Describe(MigrationOperation operation) => operation switch
    {
        AddColumnOperation c => $"AddColumn {c.Table}.{c.Name} (NOT NULL without a default)",
        AlterColumnOperation c => $"AlterColumn {c.Table}.{c.Name}",
        DropColumnOperation c => $"DropColumn {c.Table}.{c.Name}",
        RenameColumnOperation c => $"RenameColumn {c.Table}.{c.Name}",
        DropTableOperation t => $"DropTable {t.Name}",
        DropIndexOperation i => $"DropIndex {i.Name}",
        _ => operation.GetType().Name.Replace("Operation", "", StringComparison.Ordinal),
    };
}
