using Akua.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace Akua.Migrations.SqlServer;

/// <summary>
/// Lets `dotnet ef` build the one model for this engine without a running server; the connection string
/// is never opened to add a migration or script one.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AkuaDbContext>
{
    public AkuaDbContext CreateDbContext(string[] args) =>
        new(new DatabaseOptions(DatabaseProvider.SqlServer, "Server=localhost;Database=akua_design;TrustServerCertificate=True").ToContextOptions());
}
