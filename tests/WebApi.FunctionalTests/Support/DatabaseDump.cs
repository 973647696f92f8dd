using Akua.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.WebApi.FunctionalTests.Support;

internal static class DatabaseDump
{
    /// <summary>Every value of every table of the model as text (bytes decoded as UTF-8 too), for plaintext scans.</summary>
    public static async Task<string> DumpEveryColumnAsync(this AkuaApiFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var dump = new System.Text.StringBuilder();
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).Distinct())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    dump.Append(value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : value?.ToString()).Append('|');
                }
            }
        }

        Assert.True(dump.Length > 0);
        return dump.ToString();
    }
}
