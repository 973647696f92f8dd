using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Akua.Infrastructure.Persistence;

/// <summary>
/// Counts the commands this node sends to the database, so tests and the benchmark can prove what did
/// (and did not) touch it.
/// </summary>
public sealed class DbCommandCounter : DbCommandInterceptor
{
    private static readonly AsyncLocal<bool> InBackground = new();
    private long _commands;
    private long _requestCommands;
    private long _writes;

    public long Commands => Interlocked.Read(ref _commands);

    /// <summary>Commands sent on behalf of requests, leaving out the node's own background work (feed, last use).</summary>
    public long RequestCommands => Interlocked.Read(ref _requestCommands);

    /// <summary>Marks the calling flow as background work until disposed.</summary>
    public static IDisposable Background()
    {
        InBackground.Value = true;
        return new Scope();
    }

    /// <summary>INSERT, UPDATE and DELETE statements.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Count(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Count(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Count(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Count(command);
        return ValueTask.FromResult(result);
    }

    private void Count(DbCommand command)
    {
        Interlocked.Increment(ref _commands);
        if (!InBackground.Value)
        {
            Interlocked.Increment(ref _requestCommands);
        }

        var text = command.CommandText.AsSpan().TrimStart();
        if (text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || text.Contains("\nUPDATE ", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _writes);
        }
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => InBackground.Value = false;
    }
}
