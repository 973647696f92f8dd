namespace Akua.Application.Common.Security;

public enum CredentialKind
{
    Session,
    ApiToken,
    Jwt,
}

/// <summary>
/// A validated bearer credential: who is calling and with what. Broad credentials (session, JWT) belong to a
/// user; a workspace API token belongs to one workspace and carries its fixed role.
/// </summary>
/// <param name="Id">The credential's wire id (<c>ses_…</c>, <c>tok_…</c>, or a JWT's <c>jti</c>).</param>
/// <param name="Hash">The stored hash of the bearer secret: the key of caches and of the revocation feed.</param>
/// <param name="Prefix">A workspace API token's display prefix (<c>sk_akua_</c> + 4).</param>
/// <param name="Issuer">A JWT's <c>iss</c>: a cached JWT is accepted again only where this is still the issuer.</param>
/// <param name="Audience">A JWT's <c>aud</c>, re-checked the same way.</param>
/// <param name="Permissions">
/// What the credential may do (write implying read) within its role: a workspace API token's permissions, when it
/// was made with some, or a JWT's granted scope; null for every right its role has (a session, a token made
/// without permissions).
/// </param>
/// <param name="AllowedAddresses">
/// Where it may be used from: a workspace API token's allowlist, or the one of the OAuth client a JWT was issued
/// to; null for any address. The bearer middleware refuses a request from elsewhere (403 <c>ip_not_allowed</c>).
/// </param>
/// <param name="ClientWorkspaceId">
/// A JWT's client's workspace: the only one where its grant's credential-management scopes apply, since only that
/// workspace's admins decided the client may ask for them.
/// </param>
public sealed record Credential(
    CredentialKind Kind,
    string Id,
    byte[] Hash,
    UserId? UserId,
    WorkspaceId? WorkspaceId,
    WorkspaceRole? TokenRole,
    DateTimeOffset? ExpiresAt,
    string? ClientId = null,
    string? Prefix = null,
    string? Issuer = null,
    string? Audience = null,
    Permission? Permissions = null,
    AddressAllowlist? AllowedAddresses = null,
    WorkspaceId? ClientWorkspaceId = null)
{
    /// <summary>Whether a request from <paramref name="address"/> may use it (always, without an allowlist).</summary>
    public bool AllowsAddress(System.Net.IPAddress? address) => AllowedAddresses is null || AllowedAddresses.Allows(address);

    /// <summary>
    /// A credential bound to addresses makes only credentials bound within them (a token, an integration): else one
    /// stolen with a CI runner's network position would mint one usable anywhere. <paramref name="made"/> names what
    /// it makes, for the refusal.
    /// </summary>
    public void RequireWithinOwnAddresses(AddressAllowlist? wanted, string made)
    {
        if (AllowedAddresses is { } own && (wanted is null || !wanted.IsWithin(own)))
        {
            throw DomainException.Forbidden(
                $"This credential may be used only from {string.Join(", ", own.Networks)}; {made} it creates must name allowed_ips within them.",
                Authorization.AuthorizationCodes.InsufficientPermission);
        }
    }

    /// <summary>A workspace API token acts on its own workspace only.</summary>
    public bool IsWorkspaceBound => WorkspaceId is not null;

    /// <summary>Who acts with it, as the audit log and <c>created_by</c> name them: a token's <c>tok_</c> id, or its user's <c>usr_</c> id.</summary>
    public string ActorId => Kind == CredentialKind.ApiToken ? Id : UserId?.ToString() ?? Id;

    public override string ToString() => $"{Kind} {Id}";
}
