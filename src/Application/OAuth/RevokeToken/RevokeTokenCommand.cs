using Akua.Application.Sessions;

namespace Akua.Application.OAuth.RevokeToken;

/// <summary>
/// RFC 7009: revokes a refresh token (its whole grant) or a session token. Holding a session token is
/// authority enough to end it; a refresh token is revoked only by the client it was issued to. An unknown
/// token is not an error.
/// </summary>
public sealed record RevokeTokenCommand(string Token, string? ClientId, string? ClientSecret) : ICommand<OAuthError?>, IAnonymousRequest, IRevokesCredentials
{
    public override string ToString() => $"RevokeTokenCommand {{ ClientId = {ClientId} }}";
}

internal sealed class RevokeTokenHandler(IApplicationDbContext db, IAuditTrail audit, OAuthClientAuthenticator clients, ISecrets secrets, TimeProvider clock)
    : ICommandHandler<RevokeTokenCommand, OAuthError?>
{
    public async ValueTask<OAuthError?> Handle(RevokeTokenCommand command, CancellationToken cancellationToken)
    {
        // A client that says who it is is authenticated first, whatever the token (RFC 7009 section 2.1): a wrong
        // secret is invalid_client even for a token that does not exist.
        var client = await clients.AuthenticateAsync(OAuthClientUse.Revocation, command.ClientId, command.ClientSecret, cancellationToken);
        if (client.Failed)
        {
            return client.Error;
        }

        var hash = secrets.Hash(command.Token);
        var session = await db.Sessions.SingleOrDefaultAsync(s => s.TokenHash == hash, cancellationToken);
        if (session is not null)
        {
            db.End(session, clock);
            audit.Record(AuditActions.SessionEnded, AuditTarget.Of("session", session.Id), account: session.UserId,
                details: new() { ["reason"] = "revoked_by_client", ["client_id"] = client.ClientId }, actor: AuditActor.Client(client.ClientId));
            return null;
        }

        var refresh = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (refresh is null || client.ClientId is null)
        {
            return null;
        }

        if (refresh.ClientId == client.ClientId)
        {
            await db.RevokeFamilyAsync(refresh.FamilyId, cancellationToken);
            var workspace = await db.WorkspaceOfClientAsync(refresh.ClientId, cancellationToken);
            audit.Record(AuditActions.GrantRevoked, new AuditTarget("oauth_grant", refresh.FamilyId.ToString("N")), workspace, refresh.UserId,
                new() { ["client_id"] = refresh.ClientId }, AuditActor.Client(refresh.ClientId));
        }

        return null;
    }
}
