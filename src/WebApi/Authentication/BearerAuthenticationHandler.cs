using System.Security.Claims;
using System.Text.Encodings.Web;
using Akua.Application.Common.Security;
using Akua.Infrastructure.Security;
using Akua.WebApi.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Akua.WebApi.Authentication;

/// <summary>
/// Reads <c>Authorization: Bearer</c>, decides the kind of token from its shape, rejects what is malformed
/// (including an <c>sk_akua_</c> token with a wrong checksum) without any I/O, and asks the Application's
/// <see cref="ICredentialValidator"/> for the rest. It never logs or echoes the token.
/// </summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ICredentialValidator validator) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private const string Realm = "Bearer realm=\"akua\"";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (headers.Count > 1 || !TryReadBearer(headers[0], out var token))
        {
            return AuthenticateResult.Fail("The Authorization header is not a single bearer token.");
        }

        var kind = TokenFormat.Classify(token.Span) switch
        {
            TokenShape.SessionToken => CredentialKind.Session,
            TokenShape.ApiToken => CredentialKind.ApiToken,
            TokenShape.Jwt => CredentialKind.Jwt,
            _ => (CredentialKind?)null,
        };
        if (kind is null)
        {
            return AuthenticateResult.Fail("The bearer token is malformed.");
        }

        var credential = await validator.ValidateAsync(token, kind.Value, Context.RequestAborted);
        if (credential is null)
        {
            return AuthenticateResult.Fail("The bearer token is unknown, expired or revoked.");
        }

        // The credential travels as a feature; the identity only marks the request as authenticated.
        Context.Features.Set(new CredentialFeature(credential));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var sent = Request.Headers.Authorization.Count > 0;
        Response.Headers.WWWAuthenticate = sent ? Realm + ", error=\"invalid_token\"" : Realm;
        return ApiErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, sent
            ? "The bearer token is invalid, expired or revoked."
            : "A bearer token is required: Authorization: Bearer <token>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "This credential may not do that.");

    /// <summary>"Bearer" in any case, one or more spaces, then one token with no spaces.</summary>
    internal static bool TryReadBearer(string? header, out ReadOnlyMemory<char> token)
    {
        token = default;
        if (header is null || header.Length < SchemeName.Length + 2 || header.Length > TokenFormat.MaxJwtLength + 64
            || !header.AsSpan(0, SchemeName.Length).Equals(SchemeName, StringComparison.OrdinalIgnoreCase)
            || header[SchemeName.Length] != ' ')
        {
            return false;
        }

        var rest = header.AsMemory(SchemeName.Length).TrimStart(' ');
        if (rest.IsEmpty || rest.Span.ContainsAny(' ', '\t'))
        {
            return false;
        }

        token = rest;
        return true;
    }
}

/// <summary>The validated credential of the current request.</summary>
public sealed record CredentialFeature(Credential Credential);
