using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Akua.Domain.OAuth;
using Akua.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
    private volatile Snapshot _snapshot = new([], DateTimeOffset.MinValue);

    /// <summary>The key to sign with now; makes one (a rotation) when none signs at this moment.</summary>
    public async Task<SigningCredentials> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var current = await SigningKeyAsync(now, cancellationToken);
        if (current is null)
        {
            await CreateAsync(now, cancellationToken);
            await ReloadAsync(cancellationToken);
            current = await SigningKeyAsync(now, cancellationToken) ?? throw new InvalidOperationException("No signing key after creating one.");
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(_protector.Unprotect(current.ProtectedPrivateKey)), out _);
        var key = new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: true))) { KeyId = current.KeyId };
        return new SigningCredentials(key, Algorithm);
    }

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

    /// <summary>The JWK set (RFC 7517) of every published key.</summary>
    public async Task<string> JwksAsync(CancellationToken cancellationToken)
    {
        var snapshot = await FreshAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var keys = snapshot.Keys.Where(k => k.IsPublishedAt(now)).Select(k => JsonDocument.Parse(k.PublicJwk).RootElement).ToList();
        return JsonSerializer.Serialize(new { keys });
    }

    private async Task<SigningKey?> SigningKeyAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        (await FreshAsync(cancellationToken)).Keys.Where(k => k.SignsAt(now)).MaxBy(k => k.CreatedAt);

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

    private async Task CreateAsync(DateTimeOffset now, CancellationToken cancellationToken)
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
        db.SigningKeys.Add(SigningKey.Create(keyId, "ES256", jwk, privateKey, now, options.Value.RotationPeriod, longestToken));
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
