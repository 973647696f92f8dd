using Akua.Domain.Common;
using Akua.Domain.Workspaces;

namespace Akua.Domain.OAuth;

public enum OAuthClientType
{
    /// <summary>Cannot keep a secret (a mobile or single-page app): PKCE only.</summary>
    Public,
    /// <summary>Has a secret (stored hashed), and uses PKCE as well.</summary>
    Confidential,
}

/// <summary>An integration registered in a workspace, allowed to ask users for access (authorization code + PKCE).</summary>
public sealed class OAuthClient
{
    public const int MaxNameLength = 100;
    public const int MaxRedirectUris = 10;
    public const int MaxRedirectUriLength = 2000;
    public const int MaxScopesLength = 512;

    private List<string> _redirectUris = [];

    private OAuthClient()
    {
        ClientId = Name = ScopeNames = null!;
    }

    public OAuthClientId Id { get; private set; }

    public WorkspaceId WorkspaceId { get; private set; }

    /// <summary>The public identifier the client sends (<c>client_id</c>).</summary>
    public string ClientId { get; private set; }

    public string Name { get; private set; }

    public OAuthClientType Type { get; private set; }

    public IReadOnlyList<string> RedirectUris => _redirectUris;

    /// <summary>SHA-256 of the secret of a confidential client; null for a public one.</summary>
    public byte[]? SecretHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// The scopes it may ask users for, as stored (<see cref="Permissions.Format"/>, write implying read). Credential
    /// management is in it only when its registration asked (<see cref="OAuthScopes.CredentialManagement"/>).
    /// </summary>
    public string ScopeNames { get; private set; }

    public Permission Scopes => Permissions.ParseStored(ScopeNames);

    /// <summary>The networks its access tokens may be used from, as stored; null for any address.</summary>
    public string? AllowedIps { get; private set; }

    public AddressAllowlist? AllowedAddresses => AllowedIps is null ? null : AddressAllowlist.ParseStored(AllowedIps);

    /// <param name="scopes">What it may ask for; null for <see cref="OAuthScopes.ClientDefault"/>.</param>
    /// <param name="allowedIps">Where its access tokens may be used from; null for any address.</param>
    public static OAuthClient Register(
        WorkspaceId workspace, string clientId, string name, OAuthClientType type, IEnumerable<string> redirectUris, byte[]? secretHash, TimeProvider clock,
        Permission? scopes = null, AddressAllowlist? allowedIps = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var uris = redirectUris.ToList();
        if (uris.Count is 0 or > MaxRedirectUris || uris.Any(u => !IsValidRedirectUri(u)))
        {
            throw DomainException.Invalid($"redirect_uris needs 1 to {MaxRedirectUris} absolute URLs (https, or http on localhost) without a fragment.");
        }

        if ((type == OAuthClientType.Confidential) != (secretHash is not null))
        {
            throw new ArgumentException("A confidential client has a secret; a public one has none.", nameof(secretHash));
        }

        var allowed = Permissions.WithImplied(scopes ?? OAuthScopes.ClientDefault);
        if (allowed == Permission.None)
        {
            throw DomainException.Invalid("scopes needs at least one scope: leave it out for every scope but credential management.");
        }

        return new OAuthClient
        {
            Id = EntityId.New<OAuthClientId>(clock),
            WorkspaceId = workspace,
            ClientId = clientId,
            Name = name.Trim(),
            Type = type,
            _redirectUris = uris.Distinct(StringComparer.Ordinal).ToList(),
            SecretHash = secretHash is null ? null : Common.SecretHash.Require(secretHash),
            CreatedAt = clock.GetUtcNow(),
            ScopeNames = Permissions.Format(allowed),
            AllowedIps = allowedIps?.Stored,
        };
    }

    /// <summary>Whether users may grant it all of <paramref name="asked"/>; if not, the first scope it is not registered for.</summary>
    public bool MayAsk(Permission asked, out string? notRegistered)
    {
        var beyond = asked & ~Scopes;
        // Name what was asked for (a write), not the read it implies.
        notRegistered = beyond == Permission.None ? null
            : Permissions.Names(beyond).FirstOrDefault(n => n.EndsWith(":write", StringComparison.Ordinal)) ?? Permissions.Names(beyond)[0];
        return notRegistered is null;
    }

    /// <summary>Exact string match, as OAuth 2.1 requires: no prefixes, no wildcards.</summary>
    public bool AllowsRedirect(string? redirectUri) => redirectUri is not null && _redirectUris.Contains(redirectUri, StringComparer.Ordinal);

    public static bool IsValidRedirectUri(string uri) =>
        uri.Length <= MaxRedirectUriLength
        && Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
        && string.IsNullOrEmpty(parsed.Fragment)
        && (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback));
}
