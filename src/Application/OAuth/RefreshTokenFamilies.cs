using Akua.Domain.OAuth;

namespace Akua.Application.OAuth;

/// <summary>
/// A grant's refresh tokens form a family: each use rotates to the next (OAuth 2.1 section 4.3.1), and a replay
/// of any member ends the whole family.
/// </summary>
internal static class RefreshTokenFamilies
{
    /// <summary>Deletes every refresh token of a grant: what a replayed code or refresh token costs its thief.</summary>
    public static async Task RevokeFamilyAsync(this IApplicationDbContext db, Guid family, CancellationToken cancellationToken) =>
        db.RefreshTokens.RemoveRange(await db.RefreshTokens.Where(t => t.FamilyId == family).ToListAsync(cancellationToken));

    /// <summary>
    /// A code or refresh token presented a second time was stolen or replayed: ends the whole grant and records it
    /// in the audit log of the user and of the client's workspace.
    /// </summary>
    public static async Task EndReplayedGrantAsync(
        this IApplicationDbContext db, IAuditTrail audit, Guid family, string clientId, UserId user, string presented, CancellationToken cancellationToken)
    {
        await db.RevokeFamilyAsync(family, cancellationToken);
        var workspace = await db.WorkspaceOfClientAsync(clientId, cancellationToken);
        audit.Record(AuditActions.GrantReuseDetected, new AuditTarget("oauth_grant", family.ToString("N")), workspace, user,
            new() { ["client_id"] = clientId, ["presented"] = presented }, AuditActor.Client(clientId));
    }

    /// <summary>The workspace a registered client belongs to (null for a configured one, such as the CLI): where its grants' events go.</summary>
    public static Task<WorkspaceId?> WorkspaceOfClientAsync(this IApplicationDbContext db, string clientId, CancellationToken cancellationToken) =>
        db.OAuthClients.Where(c => c.ClientId == clientId).Select(c => (WorkspaceId?)c.WorkspaceId).SingleOrDefaultAsync(cancellationToken);

    /// <summary>Issues an access token and the next refresh token of <paramref name="family"/>.</summary>
    public static async Task<OAuthTokenResponse> IssueTokensAsync(
        this IApplicationDbContext db, ISecrets secrets, IAccessTokens accessTokens, Guid family, string clientId, UserId user, string scope,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var refresh = secrets.NewRefreshToken();
        db.RefreshTokens.Add(RefreshToken.Issue(refresh.Hash, family, clientId, user, scope, clock));
        var access = await accessTokens.IssueAsync(user, clientId, scope, cancellationToken);
        return new OAuthTokenResponse(access.Token, "Bearer", (long)accessTokens.Lifetime.TotalSeconds, refresh.Value, scope);
    }
}
