using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Akua.Application.Common.Abstractions;
using Akua.Application.DeviceAuthorization;
using Akua.Domain.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Akua.Application.OAuth;

/// <summary>The parameters of <c>/oauth/authorize</c> (RFC 6749 section 4.1.1 with PKCE, RFC 7636).</summary>
public sealed record AuthorizationRequest(
    string? ClientId, string? RedirectUri, string? ResponseType, string? Scope, string? State, string? CodeChallenge, string? CodeChallengeMethod);

/// <summary>The token endpoint's success answer (RFC 6749 section 5.1).</summary>
public sealed record OAuthTokenResponse(string AccessToken, string TokenType, long ExpiresIn, string RefreshToken, string Scope)
{
    public override string ToString() => "OAuthTokenResponse { *** }";
}

/// <summary>Either tokens or the OAuth error; failed attempts may still change state (a revoked family).</summary>
public sealed record OAuthTokenResult(OAuthTokenResponse? Token, OAuthError? Error)
{
    public static OAuthTokenResult Fail(OAuthError error) => new(null, error);
}

internal static class OAuthRules
{
    /// <summary>The scopes this server grants; the default when none is asked for.</summary>
    public const string DefaultScope = "api";

    public static readonly HashSet<string> Scopes = [DefaultScope];

    /// <summary>PKCE S256: BASE64URL(SHA-256(ASCII(code_verifier))) == code_challenge (RFC 7636 section 4.6).</summary>
    public static bool VerifierMatches(string? verifier, string challenge)
    {
        if (verifier is null || verifier.Length is < 43 or > 128 || verifier.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '~')))
        {
            return false;
        }

        var computed = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }

    /// <summary>
    /// Authenticates the client at the token endpoint: a confidential client by its secret, a public one by
    /// its id alone (PKCE protects its codes). Null with the error when it fails.
    /// </summary>
    public static async Task<(OAuthClient? Client, OAuthError? Error)> AuthenticateClientAsync(
        this IApplicationDbContext db, ISecrets secrets, string clientId, string? clientSecret, CancellationToken cancellationToken)
    {
        var client = await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        var invalid = OAuthError.InvalidClient("Client authentication failed.");
        if (client is null)
        {
            return (null, invalid);
        }

        if (client.Type == OAuthClientType.Confidential)
        {
            if (clientSecret is null || !CryptographicOperations.FixedTimeEquals(secrets.Hash(clientSecret), client.SecretHash))
            {
                return (null, invalid);
            }
        }
        else if (clientSecret is not null)
        {
            return (null, OAuthError.InvalidClient("A public client has no secret."));
        }

        return (client, null);
    }

    /// <summary>Deletes every refresh token of a grant: what a replayed code or refresh token costs its thief.</summary>
    public static async Task RevokeFamilyAsync(this IApplicationDbContext db, Guid family, CancellationToken cancellationToken) =>
        db.RefreshTokens.RemoveRange(await db.RefreshTokens.Where(t => t.FamilyId == family).ToListAsync(cancellationToken));

    /// <summary>Issues an access token and the next refresh token of <paramref name="family"/>.</summary>
    public static async Task<OAuthTokenResponse> IssueTokensAsync(
        this IApplicationDbContext db, ISecrets secrets, IAccessTokens accessTokens, Guid family, string clientId, Domain.Common.UserId user, string scope,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var refresh = secrets.NewRefreshToken();
        db.RefreshTokens.Add(RefreshToken.Issue(refresh.Hash, family, clientId, user, scope, clock));
        var access = await accessTokens.IssueAsync(user, clientId, scope, cancellationToken);
        return new OAuthTokenResponse(access.Token, "Bearer", (long)accessTokens.Lifetime.TotalSeconds, refresh.Value, scope);
    }

    /// <summary>Saves the handler's changes itself, so a lost race is an OAuth error and not a 409.</summary>
    public static async Task<bool> TrySaveAsync(this IApplicationDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Domain.Common.DomainException e) when (e.Kind == Domain.Common.ErrorKind.Conflict)
        {
            db.DiscardChanges();
            return false;
        }
    }
}
