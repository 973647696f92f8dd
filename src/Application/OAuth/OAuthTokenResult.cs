using System.Text.Json.Serialization;

namespace Akua.Application.OAuth;

/// <summary>
/// The token endpoint's success answer (RFC 6749 section 5.1), for every grant. The device grant gives the CLI
/// a session token and neither a refresh token nor a scope, so those two are left out of its answer.
/// </summary>
public sealed record OAuthTokenResponse(
    string AccessToken,
    string TokenType,
    long ExpiresIn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scope = null)
{
    public override string ToString() => "OAuthTokenResponse { *** }";
}

/// <summary>
/// What a grant answers: the tokens, or the OAuth error. A failed attempt may still change state (a device
/// code's polling interval, a revoked grant), so an error is a result the unit of work commits, not an exception
/// that would roll it back.
/// </summary>
public sealed record OAuthTokenResult(OAuthTokenResponse? Token, OAuthError? Error)
{
    public static OAuthTokenResult Issued(OAuthTokenResponse token) => new(token, null);

    public static OAuthTokenResult Fail(OAuthError error) => new(null, error);

    /// <summary>
    /// The answer when the commit lost a race (another request redeemed the same code or token first): the
    /// tokens this attempt made were never saved, so they become <c>invalid_grant</c>; an error stays as it was.
    /// </summary>
    public OAuthTokenResult OrLostRace(string description) => Error is null ? Fail(OAuthError.InvalidGrant(description)) : this;
}
