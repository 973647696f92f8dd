using System.Security.Cryptography;
using Akua.Domain.OAuth;
using Akua.Infrastructure.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Akua.Infrastructure.OAuth;

/// <summary>
/// Signs and verifies RFC 9068 access tokens (<c>typ: at+jwt</c>) with Microsoft.IdentityModel's
/// <see cref="JsonWebTokenHandler"/>: signature, issuer, audience, lifetime with a small skew, type, and
/// ES256 only (no <c>none</c>, no HMAC that a public key could be abused as).
/// </summary>
public sealed class AccessTokens(SigningKeyStore keys, IIssuer issuer, TimeProvider clock, IOptions<JwtOptions> options) : IAccessTokens
{
    public const string TokenType = "at+jwt";
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    public TimeSpan Lifetime => options.Value.AccessTokenLifetime;

    public async Task<IssuedAccessToken> IssueAsync(UserId user, string clientId, string scope, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var expires = now + Lifetime;
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = TokenType,
            SigningCredentials = await keys.CurrentAsync(cancellationToken),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = user.ToString(),
                ["client_id"] = clientId,
                ["scope"] = scope,
                ["jti"] = id,
            },
        });
        return new IssuedAccessToken(token, id, expires);
    }

    /// <summary>The credential the token carries, or null when anything about it is wrong.</summary>
    public async Task<Credential?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        string? keyId;
        try
        {
            keyId = new JsonWebToken(token).Kid;
        }
        catch (ArgumentException)
        {
            return null;
        }

        var skew = options.Value.ClockSkew;
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = options.Value.Audience,
            ValidTypes = [TokenType],
            ValidAlgorithms = [SigningKeyStore.Algorithm],
            IssuerSigningKeys = await keys.ValidationKeysAsync(keyId, cancellationToken),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            // Lifetime by the server's clock (tests move it), with the configured skew.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires is { } exp && now < exp + skew && (notBefore is not { } nbf || now + skew >= nbf);
            },
        };
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt
            || !jwt.TryGetPayloadValue<string>("sub", out var subject) || !EntityId.TryParse<UserId>(subject, out var user)
            || !jwt.TryGetPayloadValue<string>("jti", out var id))
        {
            return null;
        }

        jwt.TryGetPayloadValue<string>("client_id", out var clientId);
        jwt.TryGetPayloadValue<string>("scope", out var scope);
        // The issuer and audience it was accepted for travel with it: the credential cache re-checks them. What
        // it may do is its scope (none without one), within its user's role in each workspace.
        return new Credential(CredentialKind.Jwt, id, Secrets.HashOf(token), user, null, null, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), clientId,
            Issuer: parameters.ValidIssuer, Audience: parameters.ValidAudience, Permissions: OAuthScopes.OfGranted(scope));
    }
}
