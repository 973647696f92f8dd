using System.Globalization;
using Akua.Application.Common;
using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens.GetApiTokenUsage;

/// <param name="Date">The UTC day, <c>yyyy-MM-dd</c>.</param>
public sealed record UsageDay(string Date, long Requests);

/// <summary>A token's requests per UTC day over the last 90 days, oldest first, days without requests included.</summary>
public sealed record ApiTokenUsageResponse(string TokenId, long Total, IReadOnlyList<UsageDay> Days);

/// <summary>The usage of one or more of the workspace's tokens (the settings page draws a chart per token).</summary>
public sealed record GetApiTokenUsageQuery(IReadOnlyList<string> Ids) : IQuery<IReadOnlyList<ApiTokenUsageResponse>>, IWorkspaceRequest
{
    public const int MaxIds = PageRequest.MaxLimit;

    public static WorkspaceRole MinimumRole => WorkspaceRole.Member;
    public static Permission Permission => Permission.ApiTokensRead;
}

internal sealed class GetApiTokenUsageHandler(IApplicationDbContext db, WorkspaceScope workspace, TimeProvider clock)
    : IQueryHandler<GetApiTokenUsageQuery, IReadOnlyList<ApiTokenUsageResponse>>
{
    public async ValueTask<IReadOnlyList<ApiTokenUsageResponse>> Handle(GetApiTokenUsageQuery query, CancellationToken cancellationToken)
    {
        const string notFound = "API token not found.";
        var ids = query.Ids.Take(GetApiTokenUsageQuery.MaxIds).Select(id => Ids.ParseOrNotFound<ApiTokenId>(id, notFound)).Distinct().ToList();
        var owned = await db.ApiTokens.AsNoTracking().Where(t => t.WorkspaceId == workspace.Id && ids.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken);
        if (owned.Count != ids.Count)
        {
            throw DomainException.NotFound(notFound); // another workspace's token is simply not found
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var first = today.AddDays(1 - ApiTokenUsage.Days);
        var rows = await db.ApiTokenUsage.AsNoTracking().Where(u => owned.Contains(u.TokenId) && u.Day >= first).ToListAsync(cancellationToken);
        return ids.Select(id =>
        {
            var counts = rows.Where(r => r.TokenId == id).ToDictionary(r => r.Day, r => r.Requests);
            var days = Enumerable.Range(0, ApiTokenUsage.Days).Select(i => first.AddDays(i))
                .Select(day => new UsageDay(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), counts.GetValueOrDefault(day))).ToList();
            return new ApiTokenUsageResponse(id.ToString(), days.Sum(d => d.Requests), days);
        }).ToList();
    }
}
