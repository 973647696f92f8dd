using Akua.Infrastructure.Persistence;

namespace Akua.TestSupport;

/// <summary>Which outside parts the tests may use, from the environment.</summary>
public static class TestEnvironment
{
    /// <summary>A PostgreSQL connection string (a role that may create databases); its suite runs when set.</summary>
    public const string PostgresVariable = "AKUA_TEST_POSTGRES";

    /// <summary>A SQL Server connection string; without it the suite tries Testcontainers.</summary>
    public const string SqlServerVariable = "AKUA_TEST_SQLSERVER";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? Postgres => Nonempty(Environment.GetEnvironmentVariable(PostgresVariable));

    public static string? SqlServer => Nonempty(Environment.GetEnvironmentVariable(SqlServerVariable));

    /// <summary>Under CI, the PostgreSQL suite may not skip (SQL Server cannot run on CI's machine).</summary>
    public static bool MustRun(DatabaseProvider provider) => IsCi && provider == DatabaseProvider.PostgreSQL;

    private static string? Nonempty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
