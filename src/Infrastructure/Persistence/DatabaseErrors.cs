using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Akua.Infrastructure.Persistence;

/// <summary>Reads the three engines' errors, so nothing above this layer knows which engine runs.</summary>
public static class DatabaseErrors
{
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    // Which unique index was hit decides what the caller is told; the index names come from the model.
    private static readonly (string Marker, string Message)[] UniqueMessages =
    [
        ("NormalizedEmail", "This email cannot be used to sign up. If you already have an account, sign in."),
        ("Slug", "A workspace with this slug already exists."),
        ("Memberships", "The user is already a member of this workspace."),
        ("UserCode", "That user code is in use; try again."),
    ];

    /// <summary>The conflict message when <paramref name="exception"/> is a unique-index violation, else null.</summary>
    public static string? UniqueViolationMessage(DbUpdateException exception)
    {
        var (isUnique, detail) = exception.InnerException switch
        {
            SqliteException e => (e.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey, e.Message),
            PostgresException e => (e.SqlState == PostgresErrorCodes.UniqueViolation, $"{e.TableName} {e.ConstraintName}"),
            SqlException e => (e.Number is 2601 or 2627, e.Message),
            _ => (false, string.Empty),
        };
        if (!isUnique)
        {
            return null;
        }

        foreach (var (marker, message) in UniqueMessages)
        {
            if (detail.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return message;
            }
        }

        return "It conflicts with an existing resource.";
    }

    /// <summary>
    /// True when the database could not be reached or did not answer in time: the request was not applied and
    /// may be retried (503), as opposed to a bug in a query (500).
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException npgsql when npgsql.IsTransient || npgsql is not PostgresException:
                case SqlException sql when sql.Number is -2 or 53 or 233 or 4060 or 10053 or 10054 or 10060 or 40613 || sql.Class >= 20:
                case SqliteException { SqliteErrorCode: 5 or 6 or 14 }: // BUSY, LOCKED, CANTOPEN
                case TimeoutException:
                    return true;
                case DbException when e.InnerException is System.Net.Sockets.SocketException:
                    return true;
            }
        }

        return false;
    }
}
