namespace Akua.Application.OAuth.ExchangeAuthorizationCode;

/// <summary>grant_type=authorization_code (RFC 6749 section 4.1.3, PKCE RFC 7636 section 4.5).</summary>
public sealed record ExchangeAuthorizationCodeCommand(string Code, string? RedirectUri, string ClientId, string? ClientSecret, string? CodeVerifier)
    : OAuthGrant(ClientId, ClientSecret, OAuthClientUse.RegisteredGrant, "The authorization code has already been used.");

internal sealed class ExchangeAuthorizationCodeHandler(
    IApplicationDbContext db, IAuditTrail audit, OAuthClientAuthenticator clients, ISecrets secrets, IAccessTokens accessTokens, TimeProvider clock)
    : OAuthGrantHandler<ExchangeAuthorizationCodeCommand>(clients), ICommandHandler<ExchangeAuthorizationCodeCommand, OAuthTokenResult>
{
    protected override async ValueTask<OAuthTokenResult> GrantAsync(ExchangeAuthorizationCodeCommand command, string clientId, CancellationToken cancellationToken)
    {
        var hash = secrets.Hash(command.Code);
        var code = await db.AuthorizationCodes.SingleOrDefaultAsync(c => c.CodeHash == hash, cancellationToken);
        if (code is null || code.ClientId != clientId)
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("Unknown authorization code."));
        }

        if (code.IsRedeemed)
        {
            // A code presented twice was intercepted: revoke what its first use issued (RFC 6749 section 4.1.2).
            await db.EndReplayedGrantAsync(audit, code.FamilyId!.Value, clientId, code.UserId, "authorization_code", cancellationToken);
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("The authorization code has already been used; the tokens it gave are revoked."));
        }

        if (clock.GetUtcNow() >= code.ExpiresAt)
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("The authorization code has expired."));
        }

        if (command.RedirectUri != code.RedirectUri)
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("redirect_uri does not match the authorization request."));
        }

        if (!Pkce.VerifierMatches(command.CodeVerifier, code.CodeChallenge))
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("The PKCE code_verifier is missing or wrong."));
        }

        var family = Guid.CreateVersion7(clock.GetUtcNow());
        code.Redeem(family, clock);
        return OAuthTokenResult.Issued(await db.IssueTokensAsync(secrets, accessTokens, family, clientId, code.UserId, code.Scope, clock, cancellationToken));
    }
}
