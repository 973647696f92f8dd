using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Akua.Infrastructure.Diagnostics;

/// <summary>
/// Counts every command this node sends to the database into <see cref="AkuaMetrics.DbCommands"/>. A command sent
/// while a request is being served carries that request's route; one sent by the node's background work (the
/// revocation feed, the last-use writer, key rotation) has no request and counts as background. Tests and the
/// benchmark prove with it what did (and did not) touch the database.
/// </summary>
public sealed class DbCommandMetrics(AkuaMetrics metrics, IHttpContextAccessor? requests) : DbCommandInterceptor
{
    // Called once for every command EF sends, reader, non-query or scalar, sync or async, once its text is set.
    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        if (!metrics.CountsDbCommands)
        {
            return result;
        }

        var text = result.CommandText.AsSpan().TrimStart();
        var write = text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || text.Contains("\nUPDATE ", StringComparison.OrdinalIgnoreCase);
        metrics.DbCommand(RouteOf(requests?.HttpContext), write);
        return result;
    }

    /// <summary>The matched route's pattern (few distinct values), never the raw path (unbounded, and it may hold ids).</summary>
    private static string? RouteOf(HttpContext? context) => context is null ? null
        : (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unrouted)";
}
