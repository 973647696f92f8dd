using System.Globalization;
using System.Text.Json;
using Akua.Domain.ApiTokens;
using Akua.Domain.Sessions;
using Akua.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Akua.Infrastructure.Credentials.LastUse;

/// <summary>
/// One flush's writes as one statement per table, whatever the number of credentials (issue 21): every session's
/// last use and sliding expiry, every token's last use, and every token's requests of the day. The values travel as
/// arrays (PostgreSQL, <c>unnest</c>) or as one JSON parameter (SQLite, <c>json_each</c>); each row still moves only
/// forward in time, so batches of several nodes commute as before. Names come from the EF model. SQL Server, which
/// cannot run here, keeps a statement per credential (<see cref="LastUseRecorder"/>).
/// </summary>
internal static class LastUseBatch
{
    public static bool Supports(DatabaseProvider provider) => provider is DatabaseProvider.PostgreSQL or DatabaseProvider.Sqlite;

    public sealed record SessionUse(SessionId Id, DateTimeOffset At);

    public sealed record TokenUse(ApiTokenId Id, DateTimeOffset At, long Requests);

    /// <returns>The statements sent (at most three).</returns>
    public static async Task<int> WriteAsync(AkuaDbContext db, DatabaseProvider provider, IReadOnlyList<SessionUse> sessions, IReadOnlyList<TokenUse> tokens, CancellationToken cancellationToken)
    {
        var names = new Names(db);
        // Only the model's table and column names are put into the text (quoted by the engine's helper); every
        // value is a parameter.
        Task<int> Run(string sql, object[] parameters) => db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken);
        var postgres = provider == DatabaseProvider.PostgreSQL;
        var statements = 0;
        if (sessions.Count > 0)
        {
            var (id, lastUsed, expires) = (names.Column<Session>(nameof(Session.Id)), names.Column<Session>(nameof(Session.LastUsedAt)), names.Column<Session>(nameof(Session.ExpiresAt)));
            var table = names.Table<Session>();
            if (postgres)
            {
                // Rows are locked in id order first: two nodes' batches over the same sessions wait for each other
                // instead of deadlocking (PostgreSQL would break the cycle only after its deadlock timeout).
                await Run($"""
                    WITH v AS (SELECT * FROM unnest(@ids, @ats, @expires) AS v(id, at, expires)),
                    locked AS (SELECT s.{id} FROM {table} AS s JOIN v ON s.{id} = v.id ORDER BY s.{id} FOR UPDATE OF s)
                    UPDATE {table} AS s SET {lastUsed} = v.at, {expires} = v.expires
                    FROM v WHERE s.{id} = v.id AND s.{id} IN (SELECT {id} FROM locked) AND s.{lastUsed} < v.at AND s.{expires} > v.at
                    """,
                    [
                        new NpgsqlParameter<Guid[]>("ids", [.. sessions.Select(u => u.Id.Value)]),
                        new NpgsqlParameter<DateTimeOffset[]>("ats", [.. sessions.Select(u => u.At)]),
                        new NpgsqlParameter<DateTimeOffset[]>("expires", [.. sessions.Select(u => Session.ExpiryAfterUseAt(u.At))]),
                    ]);
            }
            else
            {
                await Run($"""
                    UPDATE {table} SET {lastUsed} = v.at, {expires} = v.expires
                    FROM (SELECT value ->> 0 AS id, value ->> 1 AS at, value ->> 2 AS expires FROM json_each(@uses)) AS v
                    WHERE {table}.{id} = v.id AND {table}.{lastUsed} < v.at AND {table}.{expires} > v.at
                    """,
                    [SqliteJson("uses", sessions.Select(u => new object[] { SqliteId(u.Id.Value), u.At.ToUnixTimeMilliseconds(), Session.ExpiryAfterUseAt(u.At).ToUnixTimeMilliseconds() }))]);
            }

            statements++;
        }

        if (tokens.Count == 0)
        {
            return statements;
        }

        var (tokenId, tokenLastUsed, tokenTable) = (names.Column<ApiToken>(nameof(ApiToken.Id)), names.Column<ApiToken>(nameof(ApiToken.LastUsedAt)), names.Table<ApiToken>());
        var (usageTable, usageToken, usageDay, usageRequests) = (names.Table<ApiTokenUsage>(), names.Column<ApiTokenUsage>(nameof(ApiTokenUsage.TokenId)),
            names.Column<ApiTokenUsage>(nameof(ApiTokenUsage.Day)), names.Column<ApiTokenUsage>(nameof(ApiTokenUsage.Requests)));
        // The day of the latest use takes the requests counted since the last write (at most a window's worth, so a
        // minute's requests around midnight may land on the next day). A revoked (deleted) token's count goes with it.
        var counted = tokens.Where(u => u.Requests > 0).ToList();
        if (postgres)
        {
            await Run($"""
                WITH v AS (SELECT * FROM unnest(@ids, @ats) AS v(id, at)),
                locked AS (SELECT t.{tokenId} FROM {tokenTable} AS t JOIN v ON t.{tokenId} = v.id ORDER BY t.{tokenId} FOR UPDATE OF t)
                UPDATE {tokenTable} AS t SET {tokenLastUsed} = v.at
                FROM v WHERE t.{tokenId} = v.id AND t.{tokenId} IN (SELECT {tokenId} FROM locked) AND (t.{tokenLastUsed} IS NULL OR t.{tokenLastUsed} < v.at)
                """,
                [
                    new NpgsqlParameter<Guid[]>("ids", [.. tokens.Select(u => u.Id.Value)]),
                    new NpgsqlParameter<DateTimeOffset[]>("ats", [.. tokens.Select(u => u.At)]),
                ]);
            statements++;
            if (counted.Count > 0)
            {
                // Sorted, so that concurrent upserts of two nodes take the rows' locks in one order.
                counted.Sort((a, b) => a.Id.Value.CompareTo(b.Id.Value));
                await Run($"""
                    INSERT INTO {usageTable} ({usageToken}, {usageDay}, {usageRequests})
                    SELECT v.id, v.day, v.requests FROM unnest(@ids, @days, @requests) WITH ORDINALITY AS v(id, day, requests, n)
                    WHERE EXISTS (SELECT 1 FROM {tokenTable} AS t WHERE t.{tokenId} = v.id) ORDER BY v.n
                    ON CONFLICT ({usageToken}, {usageDay}) DO UPDATE SET {usageRequests} = {usageTable}.{usageRequests} + EXCLUDED.{usageRequests}
                    """,
                    [
                        new NpgsqlParameter<Guid[]>("ids", [.. counted.Select(u => u.Id.Value)]),
                        new NpgsqlParameter<DateOnly[]>("days", [.. counted.Select(u => DateOnly.FromDateTime(u.At.UtcDateTime))]),
                        new NpgsqlParameter<long[]>("requests", [.. counted.Select(u => u.Requests)]),
                    ]);
                statements++;
            }

            return statements;
        }

        await Run($"""
            UPDATE {tokenTable} SET {tokenLastUsed} = v.at
            FROM (SELECT value ->> 0 AS id, value ->> 1 AS at FROM json_each(@uses)) AS v
            WHERE {tokenTable}.{tokenId} = v.id AND ({tokenTable}.{tokenLastUsed} IS NULL OR {tokenTable}.{tokenLastUsed} < v.at)
            """,
            [SqliteJson("uses", tokens.Select(u => new object[] { SqliteId(u.Id.Value), u.At.ToUnixTimeMilliseconds() }))]);
        statements++;
        if (counted.Count > 0)
        {
            // "WHERE" before "ON CONFLICT" is SQLite's way of telling an upsert from a join.
            await Run($"""
                INSERT INTO {usageTable} ({usageToken}, {usageDay}, {usageRequests})
                SELECT v.id, v.day, v.requests FROM (SELECT value ->> 0 AS id, value ->> 1 AS day, value ->> 2 AS requests FROM json_each(@uses)) AS v
                WHERE EXISTS (SELECT 1 FROM {tokenTable} AS t WHERE t.{tokenId} = v.id)
                ON CONFLICT ({usageToken}, {usageDay}) DO UPDATE SET {usageRequests} = {usageRequests} + excluded.{usageRequests}
                """,
                [SqliteJson("uses", counted.Select(u => new object[] { SqliteId(u.Id.Value), DateOnly.FromDateTime(u.At.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), u.Requests }))]);
            statements++;
        }

        return statements;
    }

    // As EF Core's SQLite provider stores them: a Guid as upper-case text, a time as Unix milliseconds
    // (UnixMillisecondsConverter), a day as yyyy-MM-dd.
    private static string SqliteId(Guid id) => id.ToString("D").ToUpperInvariant();

    private static Microsoft.Data.Sqlite.SqliteParameter SqliteJson(string name, IEnumerable<object[]> rows) => new(name, JsonSerializer.Serialize(rows));

    /// <summary>Table and column names as the model maps them, quoted for the engine.</summary>
    private sealed class Names(AkuaDbContext db)
    {
        private readonly ISqlGenerationHelper _sql = db.GetService<ISqlGenerationHelper>();

        public string Table<T>() => _sql.DelimitIdentifier(Entity<T>().GetTableName()!);

        public string Column<T>(string property)
        {
            var entity = Entity<T>();
            return _sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()))!);
        }

        private IEntityType Entity<T>() => db.Model.FindEntityType(typeof(T))!;
    }
}
