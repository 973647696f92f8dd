using Akua.Domain.Common;

namespace Akua.Domain.ApiTokens;

/// <summary>
/// How many requests a token made on one day (UTC). Counted in memory beside the last-use time and added to
/// this row when the last use is written, so a request never writes.
/// </summary>
public sealed class ApiTokenUsage
{
    /// <summary>How far back the usage answer and chart look.</summary>
    public const int Days = 90;

    private ApiTokenUsage()
    {
    }

    public ApiTokenId TokenId { get; private set; }

    public DateOnly Day { get; private set; }

    public long Requests { get; private set; }

    public static ApiTokenUsage Start(ApiTokenId tokenId, DateOnly day, long requests) =>
        new() { TokenId = tokenId, Day = day, Requests = requests };
}
