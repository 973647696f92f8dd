namespace Akua.Application.Common.Security;

public static class CallerExtensions
{
    /// <summary>The user behind a broad credential; a workspace API token has none.</summary>
    public static UserId RequireUser(this ICurrentPrincipal principal) =>
        principal.Credential?.UserId ?? throw DomainException.Forbidden("This needs a user's credential (a session or an OAuth token), not a workspace API token.");

    public static Credential RequireCredential(this ICurrentPrincipal principal) =>
        principal.Credential ?? throw DomainException.Unauthorized("A valid bearer token is required.");
}
