using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Akua.Domain.OAuth;
using Akua.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Akua.Infrastructure.OAuth;

/// <summary>
/// The JWT signing keys, kept in the shared database so every node signs and verifies with the same ones.
/// ES256 (P-256). The private key is protected with Data Protection, whose key ring is in the database too.
/// A node caches the keys briefly and reloads when it meets a key id it does not know (another node rotated).
/// </summary>
public sealed class SigningKeyStore(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock, IOptions<JwtOptions> options)
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReloadAtMostEvery = TimeSpan.FromSeconds(1);
    private readonly IDataProtector _protector = protection.CreateProtector("Akua.OAuth.SigningKeys.v1");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _ensureGate = new(1, 1);
    private volatile Snapshot _snapshot = new([], DateTimeOffset.MinValue);

    /// <summary>How long a JWK set may be cached: the lead with which a new key is published before it signs.</summary>
    public TimeSpan JwksMaxAge => options.Value.KeyPublicationLead;

    /// <summary>The key to sign with now (see <see cref="EnsureKeysAsync"/>).</summary>
    public async Task<SigningCredentials> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = await EnsureKeysAsync(cancellationToken);
        string privateKey;
        try
        {
            privateKey = _protector.Unprotect(current.ProtectedPrivateKey);
        }
        catch (CryptographicException)
        {
            // The key ring that protected it is gone (a lost folder, another certificate): tokens it signed still
            // verify with its public part, but it can sign no more. A new key takes over at once.
            await ReplaceUnreadableAsync(current.KeyId, cancellationToken);
            current = await EnsureKeysAsync(cancellationToken);
            privateKey = _protector.Unprotect(current.ProtectedPrivateKey);
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(privateKey), out _);
        var key = new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: true))) { KeyId = current.KeyId };
        return new SigningCredentials(key, Algorithm);
    }

    private async Task ReplaceUnreadableAsync(string keyId, CancellationToken cancellationToken)
    {
        await _ensureGate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
            if (await db.SigningKeys.SingleOrDefaultAsync(k => k.KeyId == keyId, cancellationToken) is { } unreadable)
            {
                unreadable.Retire(clock.GetUtcNow(), options.Value.AccessTokenLifetime + options.Value.ClockSkew);
                await db.SaveChangesAsync(cancellationToken);
            }

            await ReloadAsync(cancellationToken);
        }
        finally
        {
            _ensureGate.Release();
        }
    }

    /// <summary>
    /// Makes sure a key signs now and that its successor is published a full <see cref="JwtOptions.KeyPublicationLead"/>
    /// before it takes over, so a resource server that cached the key set (for at most that long, as the JWKS
    /// answer says) never meets a token with an unknown <c>kid</c>. Runs at start, periodically, and before
    /// signing. Only when no key signs at all (the first start, or a server that was down past its key's
    /// retirement) does a new key sign at once. Returns the key that signs now.
    /// </summary>
    public async Task<SigningKey> EnsureKeysAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (Decide((await FreshAsync(cancellationToken)).Keys, now) is (var current, null))
        {
            return current!; // the common case: no lock, no query
        }

        // One decision at a time on this node (two nodes may each add a key at the same moment: harmless).
        await _ensureGate.WaitAsync(cancellationToken);
        try
        {
            if (Decide((await ReloadAsync(cancellationToken)).Keys, now) is (var signing, { } activatesAt))
            {
                await CreateAsync(now, activatesAt, signing?.KeyId, cancellationToken);
            }

            return Signer((await ReloadAsync(cancellationToken)).Keys, now) ?? throw new InvalidOperationException("No signing key after creating one.");
        }
        finally
        {
            _ensureGate.Release();
        }
    }

    /// <summary>The key that signs now, and when a new key must start signing if one is to be made now.</summary>
    private (SigningKey? Current, DateTimeOffset? NewKeyActivatesAt) Decide(IReadOnlyList<SigningKey> keys, DateTimeOffset now)
    {
        var lead = options.Value.KeyPublicationLead;
        var current = Signer(keys, now);
        if (current is null)
        {
            return (null, now);
        }

        // Twice the lead ahead, so a node that checks only now and then still publishes early enough. A node
        // serves the key set from a snapshot up to CacheFor old, so a cache may have read it that much later
        // (a lead shorter than that, as in tests, is its own margin).
        var margin = lead < CacheFor ? lead : CacheFor;
        return current.RetiresAt - now <= 2 * lead && !keys.Any(k => k.ActivatesAt > now)
            ? (current, Max(current.RetiresAt, now + lead + margin))
            : (current, null);
    }

    // The newest active key: every node picks the same one from the same rows.
    private static SigningKey? Signer(IReadOnlyList<SigningKey> keys, DateTimeOffset now) =>
        keys.Where(k => k.SignsAt(now)).OrderByDescending(k => k.ActivatesAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).FirstOrDefault();

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>Every published public key; reloads once when <paramref name="keyId"/> is not among them.</summary>
    public async Task<IReadOnlyList<SecurityKey>> ValidationKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var snapshot = await FreshAsync(cancellationToken);
        if (keyId is not null && snapshot.Keys.All(k => k.KeyId != keyId) && clock.GetUtcNow() - snapshot.LoadedAt > ReloadAtMostEvery)
        {
            snapshot = await ReloadAsync(cancellationToken);
        }

        var now = clock.GetUtcNow();
        return snapshot.Keys.Where(k => k.IsPublishedAt(now)).Select(ToSecurityKey).ToList();
    }

    /// <summary>The JWK set (RFC 7517) of every published key, the next one included.</summary>
    public async Task<string> JwksAsync(CancellationToken cancellationToken)
    {
        await EnsureKeysAsync(cancellationToken);
        var snapshot = await FreshAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var keys = snapshot.Keys.Where(k => k.IsPublishedAt(now)).Select(k => JsonDocument.Parse(k.PublicJwk).RootElement).ToList();
        return JsonSerializer.Serialize(new { keys });
    }

    private async Task<Snapshot> FreshAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        return clock.GetUtcNow() - snapshot.LoadedAt < CacheFor ? snapshot : await ReloadAsync(cancellationToken);
    }

    private async Task<Snapshot> ReloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
            var now = clock.GetUtcNow();
            var keys = await db.SigningKeys.AsNoTracking().Where(k => k.ExpiresAt > now).ToListAsync(cancellationToken);
            return _snapshot = new Snapshot(keys, now);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="predecessor">The key signing now, if any: it keeps signing until the new one takes over.</param>
    private async Task CreateAsync(DateTimeOffset now, DateTimeOffset activatesAt, string? predecessor, CancellationToken cancellationToken)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyId = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));
        var q = ecdsa.ExportParameters(includePrivateParameters: false).Q;
        var jwk = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(q.X),
            ["y"] = Base64Url.EncodeToString(q.Y),
            ["kid"] = keyId,
            ["alg"] = "ES256",
            ["use"] = "sig",
        });
        var privateKey = _protector.Protect(Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey()));
        var longestToken = options.Value.AccessTokenLifetime + options.Value.ClockSkew;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        db.SigningKeys.Add(SigningKey.Create(keyId, "ES256", jwk, privateKey, now, activatesAt, options.Value.RotationPeriod, longestToken));
        if (predecessor is not null && await db.SigningKeys.SingleOrDefaultAsync(k => k.KeyId == predecessor, cancellationToken) is { } current)
        {
            current.SignUntil(activatesAt); // no gap in which no published key could sign
        }

        db.SigningKeys.RemoveRange(await db.SigningKeys.Where(k => k.ExpiresAt <= now).ToListAsync(cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static ECDsaSecurityKey ToSecurityKey(SigningKey key)
    {
        var jwk = JsonDocument.Parse(key.PublicJwk).RootElement;
        var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()) },
        });
        return new ECDsaSecurityKey(ecdsa) { KeyId = key.KeyId };
    }

    private sealed record Snapshot(IReadOnlyList<SigningKey> Keys, DateTimeOffset LoadedAt);
}
