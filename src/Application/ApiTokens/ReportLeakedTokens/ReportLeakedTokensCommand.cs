using System.Security.Cryptography;
using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens.ReportLeakedTokens;

/// <summary>One match a secret scanner reports: the token, the scanner's name for its type, and where it was found.</summary>
public sealed record LeakedToken(string Token, string? Type, string? Url, string? Source)
{
    public override string ToString() => $"LeakedToken {{ Type = {Type}, Url = {Url} }}";
}

/// <summary>
/// What the scanner is told about one match, in GitHub's feedback format: the token's SHA-256 (never the token
/// itself), its type, and <c>true_positive</c> (a token this service issued) or <c>false_positive</c>.
/// </summary>
public sealed record LeakVerdict(string TokenHash, string? TokenType, string Label)
{
    public const string TruePositive = "true_positive";
    public const string FalsePositive = "false_positive";
}

/// <summary>
/// A batch of tokens a secret scanner found in public (GitHub's secret scanning partner program): each live
/// <c>sk_akua_</c> token among them is revoked at once on every node and stays listed, marked as leaked and where.
/// The caller has already verified the scanner's signature over the batch.
/// </summary>
public sealed record ReportLeakedTokensCommand(IReadOnlyList<LeakedToken> Tokens, string Scanner)
    : ICommand<IReadOnlyList<LeakVerdict>>, IAnonymousRequest, IRevokesCredentials
{
    /// <summary>The most matches one batch may carry.</summary>
    public const int MaxBatch = 1_000;

    public override string ToString() => $"ReportLeakedTokensCommand {{ Scanner = {Scanner}, Count = {Tokens.Count} }}";
}

internal sealed class ReportLeakedTokensHandler(IApplicationDbContext db, ISecrets secrets, IAuditTrail audit, TimeProvider clock)
    : ICommandHandler<ReportLeakedTokensCommand, IReadOnlyList<LeakVerdict>>
{
    public async ValueTask<IReadOnlyList<LeakVerdict>> Handle(ReportLeakedTokensCommand command, CancellationToken cancellationToken)
    {
        var known = new Dictionary<string, bool>(StringComparer.Ordinal); // a token reported twice in a batch is looked up once
        var verdicts = new List<LeakVerdict>(command.Tokens.Count);
        foreach (var report in command.Tokens)
        {
            if (!known.TryGetValue(report.Token, out var issued))
            {
                known[report.Token] = issued = await RevokeIfIssuedAsync(report, command.Scanner, cancellationToken);
            }

            verdicts.Add(new LeakVerdict(Sha256Hex(report.Token), report.Type, issued ? LeakVerdict.TruePositive : LeakVerdict.FalsePositive));
        }

        return verdicts;
    }

    /// <summary>Whether this service issued the token; if it is not revoked yet, revokes it as leaked.</summary>
    private async Task<bool> RevokeIfIssuedAsync(LeakedToken report, string scanner, CancellationToken cancellationToken)
    {
        if (!secrets.IsApiToken(report.Token))
        {
            return false; // a random string fails the checksum: no database work
        }

        var hash = secrets.Hash(report.Token);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token?.RevokeAsLeaked(report.Url, clock) is { } revocation)
        {
            db.Revocations.Add(revocation);
            audit.Record(AuditActions.ApiTokenLeaked, AuditTarget.Of("api_token", token.Id), token.WorkspaceId, details: new()
            {
                ["name"] = token.Name, ["prefix"] = token.Prefix, ["url"] = report.Url, ["source"] = report.Source, ["scanner"] = scanner,
            }, actor: new AuditActor(ActorKind.System, scanner));
        }

        return token is not null;
    }

    private static string Sha256Hex(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
