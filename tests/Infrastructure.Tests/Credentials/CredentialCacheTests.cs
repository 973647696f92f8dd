using Akua.Application.Common.Security;
using Akua.Infrastructure.Credentials;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Akua.Infrastructure.Tests.Credentials;

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
        cache.Remember(Token(hash), null, cache.Evictions);

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
        cache.Remember(Token(hash), null, cache.Evictions);

        _clock.Advance(CredentialCacheOptions.DefaultMaxAge);

        Assert.False(cache.TryGet(hash, out _));
    }

    [Fact]
    public void A_configured_maximum_age_and_bound_are_kept()
    {
        var cache = new CredentialCache(_clock, Options.Create(new CredentialCacheOptions { MaxAge = TimeSpan.FromSeconds(20), MaxEntries = 2_000 }));
        var hash = Hash(4);
        cache.Remember(Token(hash), null, cache.Evictions);

        _clock.Advance(TimeSpan.FromSeconds(19));
        Assert.True(cache.TryGet(hash, out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(hash, out _));

        for (var i = 0; i < 2_500; i++)
        {
            cache.RememberUnknown(Hash(i));
        }

        Assert.InRange(cache.Count, 1, 2_000);
    }

    [Fact]
    public void A_flood_of_distinct_tokens_cannot_grow_the_cache_without_bound()
    {
        var cache = new CredentialCache(_clock);

        for (var i = 0; i < CredentialCacheOptions.DefaultMaxEntries + 5_000; i++)
        {
            cache.RememberUnknown(Hash(i));
        }

        Assert.InRange(cache.Count, 1, CredentialCacheOptions.DefaultMaxEntries);
    }

    [Fact]
    public async Task A_load_that_finished_between_a_miss_and_the_next_load_answers_it_without_a_second_query()
    {
        // The interleaving of two requests for one unknown token: both miss the cache, the first loads and
        // remembers "unknown", then the second reaches LoadOnceAsync. (Found by the benchmark: 1,001 queries
        // for 1,000 unknown tokens.)
        var cache = new CredentialCache(_clock);
        var hash = Hash(4);
        var loads = 0;
        Task<Credential?> LoadUnknown()
        {
            loads++;
            cache.RememberUnknown(hash);
            return Task.FromResult<Credential?>(null);
        }

        Assert.Null(await cache.LoadOnceAsync(hash, LoadUnknown, trustKnown: true));
        Assert.Null(await cache.LoadOnceAsync(hash, LoadUnknown, trustKnown: false));

        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task A_remembered_credential_answers_a_late_load_only_while_the_caller_trusts_the_cache()
    {
        var cache = new CredentialCache(_clock);
        var hash = Hash(5);
        var loads = 0;
        Task<Credential?> Load()
        {
            loads++;
            var found = Token(hash);
            cache.Remember(found, null, cache.Evictions);
            return Task.FromResult<Credential?>(found);
        }

        Assert.NotNull(await cache.LoadOnceAsync(hash, Load, trustKnown: true));
        Assert.NotNull(await cache.LoadOnceAsync(hash, Load, trustKnown: true));
        Assert.Equal(1, loads);

        // Behind on the revocation feed: the database decides, as in ValidateAsync.
        Assert.NotNull(await cache.LoadOnceAsync(hash, Load, trustKnown: false));
        Assert.Equal(2, loads);
    }

    [Fact]
    public void A_credential_read_before_a_revocation_is_not_remembered_after_its_eviction()
    {
        // A miss reads the token's row; the token is revoked and the feed evicts it here; then the miss remembers
        // what it read. Without the eviction count, this node would accept the revoked token for MaxAge.
        var cache = new CredentialCache(_clock);
        var hash = Hash(6);
        var before = cache.Evictions;

        cache.Evict(hash);
        cache.Remember(Token(hash), null, before);

        Assert.False(cache.TryGet(hash, out _));
        cache.Remember(Token(hash), null, cache.Evictions); // a load that began after the eviction keeps its answer
        Assert.True(cache.TryGet(hash, out _));
    }
}
