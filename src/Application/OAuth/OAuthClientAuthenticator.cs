using System.Security.Cryptography;
using Akua.Domain.OAuth;

namespace Akua.Application.OAuth;

/// <summary>Which OAuth endpoint a client is authenticating at: each admits its own kind of client.</summary>
public enum OAuthClientUse
{
    /// <summary>The device grant, its start and its token: the configured public clients (the CLI is one).</summary>
    DeviceGrant,

    /// <summary>The authorization code and refresh token grants: registered clients (RFC 6749 section 2.3).</summary>
    RegisteredGrant,

    /// <summary>Token revocation (RFC 7009): anonymous, a configured public client, or a registered client.</summary>
    Revocation,
}

/// <summary>The client an OAuth request proved it is (null for an anonymous revocation), or why not.</summary>
public readonly record struct OAuthClientAuthentication(string? ClientId, OAuthError? Error)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// Client authentication for every OAuth endpoint, in one place. A registered confidential client proves itself
/// with its secret (compared in constant time), a registered public client by its id alone (PKCE protects its
/// codes) and must send no secret; a configured public client (the CLI) is known by its id.
/// </summary>
internal sealed class OAuthClientAuthenticator(IApplicationDbContext db, ISecrets secrets, IOAuthClients configured)
{
    public async ValueTask<OAuthClientAuthentication> AuthenticateAsync(
        OAuthClientUse use, string? clientId, string? clientSecret, CancellationToken cancellationToken)
    {
        switch (use)
        {
            case OAuthClientUse.DeviceGrant:
                return clientId is not null && configured.FindPublic(clientId) is { } cli
                    ? new(cli.ClientId, null)
                    : new(null, OAuthError.InvalidClient("Unknown client_id."));
            case OAuthClientUse.Revocation when clientId is null:
                return new(null, null);
            case OAuthClientUse.Revocation when configured.FindPublic(clientId) is not null:
                return new(clientId, null);
        }

        var failed = new OAuthClientAuthentication(null, OAuthError.InvalidClient("Client authentication failed."));
        var client = await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        if (client is null)
        {
            return failed;
        }

        if (client.Type == OAuthClientType.Confidential)
        {
            return clientSecret is not null && CryptographicOperations.FixedTimeEquals(secrets.Hash(clientSecret), client.SecretHash)
                ? new(client.ClientId, null)
                : failed;
        }

        return clientSecret is null ? new(client.ClientId, null) : new(null, OAuthError.InvalidClient("A public client has no secret."));
    }
}
