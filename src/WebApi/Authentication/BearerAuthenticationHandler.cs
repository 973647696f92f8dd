using System.Security.Claims;
using System.Text.Encodings.Web;
using Akua.WebApi.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Akua.WebApi.Authentication;

/// <summary>
/// The <c>Bearer</c> scheme's answers to ASP.NET Core: the 401 challenge (with <c>WWW-Authenticate</c>) and the
/// 403. The token itself is validated once per request by <see cref="BearerAuthenticationMiddleware"/> (ADR 0015);
/// asked to authenticate, this handler reports that middleware's decision.
/// </summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = AkuaAuthenticationDefaults.BearerScheme;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(
        Context.Features.Get<CredentialFeature>() is { Scheme: SchemeName }
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(SchemeName)), SchemeName))
            : Request.Headers.Authorization.Count == 0
                ? AuthenticateResult.NoResult()
                : AuthenticateResult.Fail("The bearer token is malformed, unknown, expired or revoked."));

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => WriteChallengeAsync(Context);

    /// <summary>The 401: <c>WWW-Authenticate: Bearer realm="akua"</c>, with <c>error="invalid_token"</c> when a token was sent.</summary>
    internal static Task WriteChallengeAsync(HttpContext context)
    {
        var sent = context.Request.Headers.Authorization.Count > 0;
        context.Response.Headers.WWWAuthenticate = sent ? AkuaAuthenticationDefaults.InvalidTokenChallenge : AkuaAuthenticationDefaults.BearerChallenge;
        return ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, sent
            ? "The bearer token is invalid, expired or revoked."
            : "A bearer token is required: Authorization: Bearer <token>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "This credential may not do that.");
}
