using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Authorization;
using Akua.Application.DeviceAuthorization;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Akua.Application.OAuth.RefreshAccessToken;

/// <summary>grant_type=refresh_token with rotation: each refresh token works once (OAuth 2.1 section 4.3.1).</summary>
public sealed record RefreshAccessTokenCommand(string RefreshToken, string ClientId, string? ClientSecret) : ICommand<OAuthTokenResult>, IAnonymousRequest
{
    public override string ToString() => $"RefreshAccessTokenCommand {{ ClientId = {ClientId} }}";
}

internal sealed class RefreshAccessTokenHandler(IApplicationDbContext db, ISecrets secrets, IAccessTokens accessTokens, TimeProvider clock)
    : ICommandHandler<RefreshAccessTokenCommand, OAuthTokenResult>
{
    public async ValueTask<OAuthTokenResult> Handle(RefreshAccessTokenCommand command, CancellationToken cancellationToken)
    {
        var (client, clientError) = await db.AuthenticateClientAsync(secrets, command.ClientId, command.ClientSecret, cancellationToken);
        if (client is null)
        {
            return OAuthTokenResult.Fail(clientError!);
        }

        var hash = secrets.Hash(command.RefreshToken);
        var token = await db.RefreshTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null || token.ClientId != client.ClientId)
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("Unknown or revoked refresh token."));
        }

        if (token.IsConsumed)
        {
            // Reuse after rotation: someone else holds a copy. End the whole grant.
            await db.RevokeFamilyAsync(token.FamilyId, cancellationToken);
            await db.TrySaveAsync(cancellationToken);
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("The refresh token was already used; every token of this grant is revoked."));
        }

        if (token.IsExpiredAt(clock.GetUtcNow()))
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("The refresh token has expired."));
        }

        token.Consume(clock);
        var tokens = await db.IssueTokensAsync(secrets, accessTokens, token.FamilyId, client.ClientId, token.UserId, token.Scope, clock, cancellationToken);
        return await db.TrySaveAsync(cancellationToken)
            ? new OAuthTokenResult(tokens, null)
            : OAuthTokenResult.Fail(OAuthError.InvalidGrant("The refresh token was already used."));
    }
}
