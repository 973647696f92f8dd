using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Authorization;
using Akua.Application.DeviceAuthorization;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Akua.Application.OAuth.ExchangeAuthorizationCode;

/// <summary>grant_type=authorization_code (RFC 6749 section 4.1.3, PKCE RFC 7636 section 4.5).</summary>
public sealed record ExchangeAuthorizationCodeCommand(string Code, string? RedirectUri, string ClientId, string? ClientSecret, string? CodeVerifier)
    : ICommand<OAuthTokenResult>, IAnonymousRequest
{
    public override string ToString() => $"ExchangeAuthorizationCodeCommand {{ ClientId = {ClientId} }}";
}

internal sealed class ExchangeAuthorizationCodeHandler(IApplicationDbContext db, ISecrets secrets, IAccessTokens accessTokens, TimeProvider clock)
    : ICommandHandler<ExchangeAuthorizationCodeCommand, OAuthTokenResult>
{
    public async ValueTask<OAuthTokenResult> Handle(ExchangeAuthorizationCodeCommand command, CancellationToken cancellationToken)
    {
        var (client, clientError) = await db.AuthenticateClientAsync(secrets, command.ClientId, command.ClientSecret, cancellationToken);
        if (client is null)
        {
            return OAuthTokenResult.Fail(clientError!);
        }

        var hash = secrets.Hash(command.Code);
        var code = await db.AuthorizationCodes.SingleOrDefaultAsync(c => c.CodeHash == hash, cancellationToken);
        if (code is null || code.ClientId != client.ClientId)
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("Unknown authorization code."));
        }

        if (code.IsRedeemed)
        {
            // A code presented twice was intercepted: revoke what its first use issued (RFC 6749 section 4.1.2).
            await db.RevokeFamilyAsync(code.FamilyId!.Value, cancellationToken);
            await db.TrySaveAsync(cancellationToken);
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

        if (!OAuthRules.VerifierMatches(command.CodeVerifier, code.CodeChallenge))
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("The PKCE code_verifier is missing or wrong."));
        }

        var family = Guid.CreateVersion7(clock.GetUtcNow());
        code.Redeem(family, clock);
        var tokens = await db.IssueTokensAsync(secrets, accessTokens, family, client.ClientId, code.UserId, code.Scope, clock, cancellationToken);
        return await db.TrySaveAsync(cancellationToken)
            ? new OAuthTokenResult(tokens, null)
            : OAuthTokenResult.Fail(OAuthError.InvalidGrant("The authorization code has already been used."));
    }
}
