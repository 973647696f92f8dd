using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Akua.Infrastructure.Persistence;

/// <summary>
/// Which engine and where: <c>Database:Provider</c> and <c>ConnectionStrings:Akua</c>. Each engine has its own
/// migrations assembly (ADR-0005), named here so the one model finds the right history.
/// </summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString)
{
    public string MigrationsAssembly => Provider switch
    {
        DatabaseProvider.Sqlite => "Akua.Migrations.Sqlite",
        DatabaseProvider.PostgreSQL => "Akua.Migrations.PostgreSQL",
        DatabaseProvider.SqlServer => "Akua.Migrations.SqlServer",
        _ => throw new ArgumentOutOfRangeException(nameof(Provider), Provider, null),
    };

    /// <summary>Parses the configured provider name; null when it names no supported engine.</summary>
    public static DatabaseProvider? ParseProvider(string? name) =>
        Enum.TryParse<DatabaseProvider>(name, ignoreCase: true, out var provider) && Enum.IsDefined(provider) ? provider : null;

    public void Apply(DbContextOptionsBuilder builder)
    {
        // One method per engine: a method that named all three would load every provider's assemblies
        // (SqlClient among them) at start-up, whichever engine is configured.
        switch (Provider)
        {
            case DatabaseProvider.Sqlite:
                UseSqlite(builder);
                break;
            case DatabaseProvider.PostgreSQL:
                UsePostgreSql(builder);
                break;
            case DatabaseProvider.SqlServer:
                UseSqlServer(builder);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(builder), Provider, "Unknown database provider.");
        }

        // The engine's compiled model (ADR 0025): building the model from OnModelCreating took a third of start-up.
        if (CompiledModel() is { } compiled)
        {
            builder.UseModel(compiled);
        }

        // Migrating would otherwise build the model twice more (from the code and from the last snapshot) to warn of
        // changes missing from the migrations: MigrationTests fails on those instead, for each engine.
        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    /// <summary>
    /// The compiled model (<c>dotnet ef dbcontext optimize</c>) in this engine's migrations assembly: engine-specific
    /// like the migrations, so it lives beside them. MigrationTests fails when it differs from the code's model, or
    /// is missing. Null when it is missing: a model change the old generated code no longer compiles against is
    /// made by deleting the folder, running the tools (which then build the model from the code) and generating it
    /// again (CONTRIBUTING.md).
    /// </summary>
    public IModel? CompiledModel()
    {
        var assembly = System.Reflection.Assembly.Load(MigrationsAssembly);
        var model = assembly.GetCustomAttributes(typeof(DbContextModelAttribute), inherit: false).Cast<DbContextModelAttribute>()
            .SingleOrDefault(a => a.ContextType == typeof(AkuaDbContext))?.ModelType;
        return (IModel?)model?.GetProperty("Instance")!.GetValue(null);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UseSqlite(DbContextOptionsBuilder builder) =>
        builder.UseSqlite(ConnectionString, o => o.MigrationsAssembly(MigrationsAssembly));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UsePostgreSql(DbContextOptionsBuilder builder) =>
        builder.UseNpgsql(WithoutPoolReset(ConnectionString), o => o.MigrationsAssembly(MigrationsAssembly));

    /// <summary>
    /// Npgsql resets a pooled connection before its next use with a <c>DISCARD ALL</c>, which PostgreSQL runs as a
    /// transaction of its own: a request's query cost two statements (issue 21's scaling check logged a
    /// <c>DISCARD ALL</c> at each of 46,431 uses of a pooled connection). Nothing of ours leaves state on a pooled connection to reset (no
    /// <c>SET</c>, temporary table, advisory lock or <c>LISTEN</c>: the revocation listener has an unpooled connection
    /// of its own), so the reset is off unless the connection string asks for it (<c>No Reset On Close=false</c>).
    /// </summary>
    internal static string WithoutPoolReset(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("No Reset On Close") || given.ContainsKey("NoResetOnClose"))
        {
            return connectionString;
        }

        given["No Reset On Close"] = "true";
        return given.ConnectionString;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UseSqlServer(DbContextOptionsBuilder builder) =>
        builder.UseSqlServer(ConnectionString, o => o.MigrationsAssembly(MigrationsAssembly));

    public DbContextOptions<AkuaDbContext> ToContextOptions()
    {
        var builder = new DbContextOptionsBuilder<AkuaDbContext>();
        Apply(builder);
        return builder.Options;
    }
}
