namespace Akua.Application.OAuth.RefreshAccessToken;

/// <summary>grant_type=refresh_token with rotation: each refresh token works once (OAuth 2.1 section 4.3.1).</summary>
public sealed record RefreshAccessTokenCommand(string RefreshToken, string ClientId, string? ClientSecret)
    : OAuthGrant(ClientId, ClientSecret, OAuthClientUse.RegisteredGrant, "The refresh token was already used.");

internal sealed class RefreshAccessTokenHandler(
    IApplicationDbContext db, IAuditTrail audit, OAuthClientAuthenticator clients, ISecrets secrets, IAccessTokens accessTokens, TimeProvider clock)
    : OAuthGrantHandler<RefreshAccessTokenCommand>(clients), ICommandHandler<RefreshAccessTokenCommand, OAuthTokenResult>
{
    protected override async ValueTask<OAuthTokenResult> GrantAsync(RefreshAccessTokenCommand command, string clientId, CancellationToken cancellationToken)
    {
        var hash = secrets.Hash(command.RefreshToken);
        var token = await db.RefreshTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null || token.ClientId != clientId)
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("Unknown or revoked refresh token."));
        }

        if (token.IsConsumed)
        {
            // Reuse after rotation: someone else holds a copy. End the whole grant.
            await db.EndReplayedGrantAsync(audit, token.FamilyId, clientId, token.UserId, "refresh_token", cancellationToken);
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("The refresh token was already used; every token of this grant is revoked."));
        }

        if (token.IsExpiredAt(clock.GetUtcNow()))
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("The refresh token has expired."));
        }

        token.Consume(clock);
        return OAuthTokenResult.Issued(await db.IssueTokensAsync(secrets, accessTokens, token.FamilyId, clientId, token.UserId, token.Scope, clock, cancellationToken));
    }
}
