using System.Net;
using Akua.Domain.Sessions;
using Akua.Infrastructure.Credentials.LastUse;
using Akua.Infrastructure.Credentials.Revocations;
using Akua.Infrastructure.Diagnostics;
using Akua.Infrastructure.OAuth;
using Akua.Infrastructure.Persistence;
using Akua.Infrastructure.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.Infrastructure.Credentials;

/// <summary>
/// Decides, exactly, whether a well-shaped bearer token is valid now: from this node's credential cache
/// when it can, else by its SHA-256 in the database (or the JWT's signature). Each accepted use is handed
/// to the last-use recorder; nothing here writes to the database.
/// </summary>
internal sealed class CredentialValidator(
    IServiceScopeFactory scopes,
    ILastUseRecorder uses,
    CredentialCache cache,
    RevocationFeedState feed,
    IIssuer issuer,
    IOptions<JwtOptions> jwt,
    AkuaMetrics metrics,
    TimeProvider clock) : ICredentialValidator
{
    public async ValueTask<Credential?> ValidateAsync(ReadOnlyMemory<char> token, CredentialKind kind, IPAddress? client, CancellationToken cancellationToken)
    {
        var hash = Secrets.HashOf(token.Span);
        var now = clock.GetUtcNow();
        Credential? credential;
        // The cache vouches for a credential only while this node is current with the revocation feed (else
        // the database decides): a node cut off from the feed cannot keep accepting a revoked token. A "no"
        // needs no feed: revocation never makes a token valid, and no one holds a token before it is issued.
        if (cache.TryGet(hash, out var cached) && (cached is null || feed.IsCurrent))
        {
            metrics.CredentialCacheLookup(hit: true);
            credential = cached is null ? null : StillValid(cached, now);
        }
        else
        {
            metrics.CredentialCacheLookup(hit: false);
            var loaded = await LoadAsync(hash, token, kind, cancellationToken);
            credential = loaded is null ? null : StillValid(new CredentialCache.Entry(loaded, loaded.ExpiresAt, 0), now);
        }

        // A use from an address it is not allowed at is refused by the caller, and is no use.
        if (credential is not null && credential.AllowsAddress(client))
        {
            uses.Record(credential, now);
        }

        return credential;
    }

    public bool TryRevalidate(Credential credential, IPAddress? client, out Credential? current)
    {
        // Only while the cache still holds this very credential (not evicted by a revocation, not reloaded)
        // and the node is current with the feed: exactly the cases where ValidateAsync would answer from it.
        if (!feed.IsCurrent || !cache.TryGet(credential.Hash, out var cached) || !ReferenceEquals(cached?.Credential, credential))
        {
            current = null;
            return false;
        }

        metrics.CredentialCacheLookup(hit: true);
        var now = clock.GetUtcNow();
        current = StillValid(cached, now);
        if (current is not null && current.AllowsAddress(client))
        {
            uses.Record(current, now);
        }

        return true;
    }

    // Apart from ValidateAsync so that its closure is allocated on a miss only, not on every hit.
    private Task<Credential?> LoadAsync(byte[] hash, ReadOnlyMemory<char> token, CredentialKind kind, CancellationToken cancellationToken) =>
        // Concurrent misses of one token (a flood of the same unknown token) make one query.
        cache.LoadOnceAsync(hash, async () =>
        {
            var evictions = cache.Evictions; // before the query: see CredentialCache.Remember
            // A singleton (one per node, shared by every request): a miss rents its own database context.
            await using var scope = scopes.CreateAsyncScope();
            var found = kind switch
            {
                CredentialKind.Session => await SessionAsync(scope.ServiceProvider.GetRequiredService<AkuaDbContext>(), hash, cancellationToken),
                CredentialKind.ApiToken => await ApiTokenAsync(scope.ServiceProvider.GetRequiredService<AkuaDbContext>(), hash, cancellationToken),
                CredentialKind.Jwt => await JwtAsync(scope.ServiceProvider, token, cancellationToken),
                _ => null,
            };

            if (found is not null)
            {
                cache.Remember(found, found.ExpiresAt, evictions);
            }
            else if (kind != CredentialKind.Jwt)
            {
                // A bad JWT costs no query; only database lookups are worth remembering as misses.
                cache.RememberUnknown(hash);
            }

            return found;
        }, trustKnown: feed.IsCurrent);

    /// <summary>The exact expiry decision, for a cached credential as for a fresh one.</summary>
    private Credential? StillValid(CredentialCache.Entry entry, DateTimeOffset now)
    {
        var credential = entry.Credential;
        if (credential.Kind == CredentialKind.Jwt && !IssuedForHere(credential))
        {
            return null;
        }

        if (credential.Kind != CredentialKind.Session)
        {
            return entry.StoredExpiry is { } expiry && now >= expiry ? null : credential;
        }

        // A session slides: the stored expiry may lag the uses this node has not written yet; the decision may not.
        var expiresAt = entry.StoredExpiry!.Value;
        if (uses.PendingUse(credential) is { } pending && Session.ExpiryAfterUseAt(pending) > expiresAt)
        {
            expiresAt = Session.ExpiryAfterUseAt(pending);
        }

        // Valid: this use slides it to now + lifetime (whoami shows that); the credential is not copied for it.
        return now >= expiresAt ? null : credential;
    }

    /// <summary>
    /// A JWT is valid only for this server's issuer and audience. The signature check saw them when the token
    /// was first accepted; a cached token is held to them again (the issuer is fixed configuration outside
    /// Development, but on a laptop it follows the Host, and a token accepted for one host is not for another).
    /// </summary>
    private bool IssuedForHere(Credential credential) =>
        string.Equals(credential.Issuer, issuer.Issuer, StringComparison.Ordinal)
        && string.Equals(credential.Audience, jwt.Value.Audience, StringComparison.Ordinal);

    private static async Task<Credential?> SessionAsync(AkuaDbContext db, byte[] hash, CancellationToken cancellationToken)
    {
        var row = await db.Sessions.AsNoTracking()
            .Where(s => s.TokenHash == hash)
            .Select(s => new { s.Id, s.UserId, s.ExpiresAt, s.ClientId })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        return new Credential(CredentialKind.Session, row.Id.ToString(), hash, row.UserId, null, null, row.ExpiresAt, row.ClientId);
    }

    private static async Task<Credential?> ApiTokenAsync(AkuaDbContext db, byte[] hash, CancellationToken cancellationToken)
    {
        var row = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null) // a token revoked as leaked stays listed, never accepted
            .Select(t => new { t.Id, t.WorkspaceId, t.Role, t.ExpiresAt, t.Prefix, t.PermissionNames, t.AllowedIps })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : new Credential(CredentialKind.ApiToken, row.Id.ToString(), hash, null, row.WorkspaceId, row.Role, row.ExpiresAt, Prefix: row.Prefix,
            Permissions: row.PermissionNames is null ? null : Akua.Domain.Workspaces.Permissions.ParseStored(row.PermissionNames),
            AllowedAddresses: row.AllowedIps is null ? null : AddressAllowlist.ParseStored(row.AllowedIps));
    }

    /// <summary>
    /// A JWT's signature and claims, then the client it was issued to: its workspace and address allowlist (one
    /// query, on a miss only: the answer is cached with the credential for the token's few minutes). A token of a
    /// client that no longer exists (deleted) is refused: without its client nothing says where it may be used.
    /// </summary>
    private static async Task<Credential?> JwtAsync(IServiceProvider services, ReadOnlyMemory<char> token, CancellationToken cancellationToken)
    {
        var credential = await services.GetRequiredService<AccessTokens>().ValidateAsync(token.ToString(), cancellationToken);
        if (credential?.ClientId is not { } clientId)
        {
            return null;
        }

        var client = await services.GetRequiredService<AkuaDbContext>().OAuthClients.AsNoTracking()
            .Where(c => c.ClientId == clientId).Select(c => new { c.WorkspaceId, c.AllowedIps }).FirstOrDefaultAsync(cancellationToken);
        return client is null ? null : credential with
        {
            ClientWorkspaceId = client.WorkspaceId,
            AllowedAddresses = client.AllowedIps is null ? null : AddressAllowlist.ParseStored(client.AllowedIps),
        };
    }
}
