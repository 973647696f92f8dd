using Akua.Application.Common.Security;
using Akua.Infrastructure.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Akua.Infrastructure.Tests.Security;

public sealed class CredentialCacheTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private static byte[] Hash(int seed) => System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed));

    private static Credential Token(byte[] hash) => new(CredentialKind.ApiToken, "tok_x", hash, null, null, null, null);

    [Fact]
    public void A_remembered_credential_is_found_until_evicted()
    {
        var cache = new CredentialCache(_clock);
        var hash = Hash(1);
        cache.Remember(Token(hash), null);

        Assert.True(cache.TryGet(hash, out var entry));
        Assert.Equal("tok_x", entry!.Credential.Id);

        cache.Evict(hash);
        Assert.False(cache.TryGet(hash, out _));
    }

    [Fact]
    public void An_unknown_token_is_remembered_for_a_minute()
    {
        var cache = new CredentialCache(_clock);
        var hash = Hash(2);
        cache.RememberUnknown(hash);

        Assert.True(cache.TryGet(hash, out var entry));
        Assert.Null(entry);
        _clock.Advance(CredentialCache.NegativeAge);
        Assert.False(cache.TryGet(hash, out _));
    }

    [Fact]
    public void Entries_are_read_again_after_the_maximum_age()
    {
        var cache = new CredentialCache(_clock);
        var hash = Hash(3);
        cache.Remember(Token(hash), null);

        _clock.Advance(CredentialCache.MaxAge);

        Assert.False(cache.TryGet(hash, out _));
    }

    [Fact]
    public void A_flood_of_distinct_tokens_cannot_grow_the_cache_without_bound()
    {
        var cache = new CredentialCache(_clock);

        for (var i = 0; i < CredentialCache.MaxEntries + 5_000; i++)
        {
            cache.RememberUnknown(Hash(i));
        }

        Assert.InRange(cache.Count, 1, CredentialCache.MaxEntries);
    }
}
