namespace Akua.Application.OAuth;

/// <summary>An error of the OAuth token endpoint (RFC 6749 section 5.2, RFC 8628 section 3.5).</summary>
public sealed record OAuthError(string Error, string ErrorDescription)
{
    public static OAuthError InvalidRequest(string description) => new("invalid_request", description);

    public static OAuthError InvalidClient(string description) => new("invalid_client", description);

    public static OAuthError InvalidGrant(string description) => new("invalid_grant", description);

    public static OAuthError UnsupportedGrantType(string description) => new("unsupported_grant_type", description);

    public static readonly OAuthError AuthorizationPending = new("authorization_pending", "The user has not yet approved the request.");
    public static readonly OAuthError SlowDown = new("slow_down", "Polling too fast: wait longer between requests (the interval has grown by 5 seconds).");
    public static readonly OAuthError AccessDenied = new("access_denied", "The user denied the request.");
    public static readonly OAuthError ExpiredToken = new("expired_token", "The device code has expired; start the login again.");
}
