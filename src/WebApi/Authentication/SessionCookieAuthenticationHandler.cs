using System.Security.Claims;
using System.Text.Encodings.Web;
using Akua.Application.Common.Security;
using Akua.Infrastructure.Credentials;
using Akua.Infrastructure.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Akua.WebApi.Authentication;

/// <summary>
/// The browser pages' sign-in: the cookie holds a session token (HttpOnly, SameSite=Lax, Secure on https),
/// validated exactly as a bearer session token is, so ending the session on any page or node ends the
/// browser's sign-in too. Unauthenticated page requests are sent to <c>/login</c> and come back after.
/// </summary>
public sealed class SessionCookieAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ICredentialValidator validator,
    AkuaMetrics metrics) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = AkuaAuthenticationDefaults.CookieScheme;
    public const string CookieName = AkuaAuthenticationDefaults.SessionCookie;
    public const string Policy = AkuaAuthenticationDefaults.BrowserPolicy;

    public static void Issue(HttpContext http, string sessionToken, DateTimeOffset expiresAt) =>
        http.Response.Cookies.Append(CookieName, sessionToken, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = "/",
            Expires = expiresAt,
            IsEssential = true,
        });

    public static void Clear(HttpContext http) =>
        http.Response.Cookies.Delete(CookieName, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/" });

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        if (TokenFormat.Classify(token) != CredentialKind.Session)
        {
            metrics.Authentication(null, accepted: false);
            return AuthenticateResult.Fail("The session cookie is malformed.");
        }

        var credential = await validator.ValidateAsync(token.AsMemory(), CredentialKind.Session, Context.Connection.RemoteIpAddress, Context.RequestAborted);
        metrics.Authentication(CredentialKind.Session, accepted: credential is not null);
        if (credential is null)
        {
            return AuthenticateResult.Fail("The session has ended.");
        }

        Context.Features.Set(new CredentialFeature(credential, SchemeName));
        // Anti-forgery binds its tokens to a unique claim of the signed-in identity: keep one.
        var identity = new ClaimsIdentity([new Claim("credential_id", credential.Id), new Claim("credential_kind", credential.Kind.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var back = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(back));
        return Task.CompletedTask;
    }
}
