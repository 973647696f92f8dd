using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Akua.Infrastructure.Credentials;

/// <summary>
/// This node's memory of validated bearer credentials, keyed by the token's SHA-256: a hit costs a hash and
/// a dictionary lookup instead of a database query. Expiry is still decided exactly on every use (the entry
/// keeps the stored expiry). A revocation evicts at once on the node that made it, and through the
/// revocation feed on every other node within a second. Unknown tokens are remembered briefly too, so a
/// flood of made-up tokens costs at most one query per distinct token per minute; both parts are bounded.
/// </summary>
public sealed class CredentialCache(TimeProvider clock, IOptions<CredentialCacheOptions>? options = null)
{
    public static readonly TimeSpan NegativeAge = TimeSpan.FromMinutes(1);

    private readonly long _maxAgeTicks = (options?.Value ?? new()).MaxAge.Ticks;
    private readonly int _maxEntries = (options?.Value ?? new()).MaxEntries;

    private readonly ConcurrentDictionary<HashKey, Entry> _known = new();
    private readonly ConcurrentDictionary<HashKey, long> _unknown = new();
    private readonly ConcurrentDictionary<HashKey, Task<Credential?>> _loading = new();
    private long _evictions;

    public int Count => _known.Count + _unknown.Count;

    /// <summary>True when the cache has an answer: <paramref name="entry"/> is the credential, or null for "unknown".</summary>
    public bool TryGet(ReadOnlySpan<byte> hash, out Entry? entry)
    {
        var key = HashKey.Of(hash);
        var now = clock.GetUtcNow().UtcTicks;
        if (_known.TryGetValue(key, out var found))
        {
            if (now - found.CachedAtTicks < _maxAgeTicks)
            {
                entry = found;
                return true;
            }

            _known.TryRemove(key, out _);
        }
        else if (_unknown.TryGetValue(key, out var since))
        {
            if (now - since < NegativeAge.Ticks)
            {
                entry = null;
                return true;
            }

            _unknown.TryRemove(key, out _);
        }

        entry = null;
        return false;
    }

    /// <summary>
    /// How many evictions this cache has seen. A load reads it before its query and hands it to
    /// <see cref="Remember"/>, which then keeps nothing if an eviction came in between: the query may have read the
    /// credential before the revocation committed, and remembering it after the eviction would keep it for
    /// <see cref="CredentialCacheOptions.MaxAge"/>.
    /// </summary>
    public long Evictions => Volatile.Read(ref _evictions);

    /// <param name="storedExpiry">The expiry as stored (a session's slides further with unwritten uses).</param>
    /// <param name="evictionsBefore"><see cref="Evictions"/> as read before the query that found the credential.</param>
    public void Remember(Credential credential, DateTimeOffset? storedExpiry, long evictionsBefore)
    {
        if (Evictions != evictionsBefore)
        {
            return;
        }

        MakeRoom(_known, _maxEntries);
        var key = HashKey.Of(credential.Hash);
        var entry = new Entry(credential, storedExpiry, clock.GetUtcNow().UtcTicks);
        _known[key] = entry;
        // An eviction between the check above and this write counted before removing: undo what it could not see.
        if (Evictions != evictionsBefore)
        {
            _known.TryRemove(new KeyValuePair<HashKey, Entry>(key, entry));
        }
    }

    public void RememberUnknown(ReadOnlySpan<byte> hash)
    {
        MakeRoom(_unknown, _maxEntries);
        _unknown[HashKey.Of(hash)] = clock.GetUtcNow().UtcTicks;
    }

    /// <summary>
    /// Runs <paramref name="load"/> once for concurrent misses of the same token; the others wait for its
    /// answer (and load for themselves only if it failed). <paramref name="load"/> remembers what it found.
    /// </summary>
    /// <param name="trustKnown">
    /// Whether a remembered credential may answer (the caller's revocation-feed currency); a remembered
    /// "unknown" always may, as in <see cref="TryGet"/>.
    /// </param>
    public async Task<Credential?> LoadOnceAsync(byte[] hash, Func<Task<Credential?>> load, bool trustKnown)
    {
        var key = HashKey.Of(hash);
        var mine = new TaskCompletionSource<Credential?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _loading.GetOrAdd(key, mine.Task);
        if (running != mine.Task)
        {
            try
            {
                return await running;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return await load();
            }
        }

        try
        {
            // The caller missed the cache a moment ago, but a load of the same token may have finished (and
            // remembered its answer) between that miss and this one taking the slot: answer from the cache then,
            // or a flood of one unknown token makes a second query.
            var credential = TryGet(hash, out var remembered) && (remembered is null || trustKnown)
                ? remembered?.Credential
                : await load();
            mine.SetResult(credential);
            return credential;
        }
        catch (Exception e)
        {
            mine.SetException(e);
            _ = mine.Task.Exception; // observed here; waiters load for themselves
            throw;
        }
        finally
        {
            _loading.TryRemove(new KeyValuePair<HashKey, Task<Credential?>>(key, mine.Task));
        }
    }

    public void Evict(ReadOnlySpan<byte> hash)
    {
        Interlocked.Increment(ref _evictions); // before removing: see Remember
        var key = HashKey.Of(hash);
        _known.TryRemove(key, out _);
        _unknown.TryRemove(key, out _);
    }

    /// <summary>Shared with <see cref="MembershipCache"/>: the one bound both caches keep.</summary>
    internal static void MakeRoom<TKey, TValue>(ConcurrentDictionary<TKey, TValue> map, int maxEntries)
        where TKey : notnull
    {
        // Bounded: past the limit, drop a tenth (whatever comes first); evicted entries are simply re-read.
        if (map.Count < maxEntries)
        {
            return;
        }

        foreach (var key in map.Keys.Take(maxEntries / 10))
        {
            map.TryRemove(key, out _);
        }
    }

    public sealed record Entry(Credential Credential, DateTimeOffset? StoredExpiry, long CachedAtTicks);

    /// <summary>The 32 bytes of a SHA-256 as a value key: no string, no allocation per lookup.</summary>
    private readonly record struct HashKey(UInt128 High, UInt128 Low)
    {
        public static HashKey Of(ReadOnlySpan<byte> hash)
        {
            var halves = MemoryMarshal.Cast<byte, UInt128>(hash[..32]);
            return new HashKey(halves[0], halves[1]);
        }
    }
}
