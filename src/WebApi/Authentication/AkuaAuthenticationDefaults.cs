using Akua.Application.Common.Security;

namespace Akua.WebApi.Authentication;

/// <summary>
/// Every name the server's authentication answers to, in one place: the schemes, the realm and its challenges,
/// the cookies, the policy of the browser pages and the workspace header.
/// </summary>
public static class AkuaAuthenticationDefaults
{
    /// <summary>The API's scheme: <c>Authorization: Bearer &lt;token&gt;</c> (RFC 6750).</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>The browser pages' scheme: the session token in <see cref="SessionCookie"/>.</summary>
    public const string CookieScheme = "SessionCookie";

    /// <summary>The policy every browser page but sign-in and sign-up requires.</summary>
    public const string BrowserPolicy = "Browser";

    public const string Realm = "akua";

    /// <summary>The 401 challenge of a request that sent no token.</summary>
    public const string BearerChallenge = BearerScheme + " realm=\"" + Realm + "\"";

    /// <summary>The 401 challenge of a request whose token was refused (RFC 6750 section 3.1).</summary>
    public const string InvalidTokenChallenge = BearerChallenge + ", error=\"invalid_token\"";

    /// <summary>The challenge of an OAuth client that failed client_secret_basic (RFC 6749 section 5.2, RFC 7617).</summary>
    public const string BasicChallenge = "Basic realm=\"" + Realm + "\", charset=\"UTF-8\"";

    /// <summary>A browser's sign-in: a session token, HttpOnly.</summary>
    public const string SessionCookie = "akua_session";

    /// <summary>A browser that signed in before (sign-in throttling trusts it more).</summary>
    public const string DeviceCookie = "akua_device";

    /// <summary>The pages' anti-forgery token (SameSite=Strict).</summary>
    public const string AntiforgeryCookie = "akua_csrf";

    /// <summary>The pages' one-time messages (TempData).</summary>
    public const string FlashCookie = "akua_flash";

    /// <summary>The header a broad credential names its workspace with.</summary>
    public const string WorkspaceHeader = WorkspaceContextHeader.Name;

    /// <summary>
    /// On every response to a request authenticated by an expiring credential: when it expires, in Unix seconds
    /// (a session's after this use, as it slides), so a client can warn before it stops working.
    /// </summary>
    public const string TokenExpiresHeader = "Akua-Token-Expires-At";

    /// <summary>The value of <see cref="TokenExpiresHeader"/> for <paramref name="credential"/> used at <paramref name="now"/>, or null.</summary>
    public static string? TokenExpiresAt(Credential credential, DateTimeOffset now) => credential switch
    {
        { Kind: CredentialKind.Session } => Akua.Domain.Sessions.Session.ExpiryAfterUseAt(now).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        { ExpiresAt: { } expiry } => expiry.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };
}
