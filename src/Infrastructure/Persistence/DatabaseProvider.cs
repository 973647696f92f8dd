namespace Akua.Infrastructure.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSQL,
    SqlServer,
}
