namespace Akua.Application.OAuth;

/// <summary>The parameters of <c>/oauth/authorize</c> (RFC 6749 section 4.1.1 with PKCE, RFC 7636).</summary>
public sealed record AuthorizationRequest(
    string? ClientId, string? RedirectUri, string? ResponseType, string? Scope, string? State, string? CodeChallenge, string? CodeChallengeMethod);
