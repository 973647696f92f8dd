using System.Collections.Concurrent;
using Akua.Domain.Revocations;
using Akua.Domain.Workspaces;

namespace Akua.Infrastructure.Credentials;

/// <summary>
/// This node's memory of users' roles in workspaces, so that a workspace request made with a session or a JWT is
/// authorized without a query (issue 21). Kept honest like the <see cref="CredentialCache"/>: a role change or a
/// removal is an entry of the revocation feed (<see cref="Revocation.OfMembership"/>), evicted at the commit on
/// the node that made it and by the feed on the others; the cache answers only while its node is current with the
/// feed, and the changing request returns only after the revocation barrier. Only memberships are remembered, not
/// their absence: joining a workspace needs no entry of the feed.
/// </summary>
public sealed class MembershipCache(TimeProvider clock, IOptions<CredentialCacheOptions>? options = null)
{
    private readonly long _maxAgeTicks = (options?.Value ?? new()).MaxAge.Ticks;
    private readonly int _maxEntries = (options?.Value ?? new()).MaxEntries;

    private readonly ConcurrentDictionary<Key, Entry> _roles = new();
    private long _evictions;

    public int Count => _roles.Count;

    /// <summary>
    /// How many evictions this cache has seen. A load reads it before its query and hands it to
    /// <see cref="Remember"/>, which then keeps nothing if an eviction came in between: the query may have read the
    /// role the eviction was for.
    /// </summary>
    public long Evictions => Volatile.Read(ref _evictions);

    public bool TryGet(WorkspaceId workspace, UserId user, out WorkspaceRole role)
    {
        var key = new Key(workspace.Value, user.Value);
        if (_roles.TryGetValue(key, out var entry))
        {
            if (clock.GetUtcNow().UtcTicks - entry.CachedAtTicks < _maxAgeTicks)
            {
                role = entry.Role;
                return true;
            }

            _roles.TryRemove(key, out _);
        }

        role = default;
        return false;
    }

    /// <param name="evictionsBefore"><see cref="Evictions"/> as read before the query that found the role.</param>
    public void Remember(WorkspaceId workspace, UserId user, WorkspaceRole role, long evictionsBefore)
    {
        if (Evictions != evictionsBefore)
        {
            return;
        }

        CredentialCache.MakeRoom(_roles, _maxEntries); // bounded like the credentials: dropped roles are simply read again
        var key = new Key(workspace.Value, user.Value);
        var entry = new Entry(role, clock.GetUtcNow().UtcTicks);
        _roles[key] = entry;
        // An eviction between the check above and this write counted before removing: undo what it could not see.
        if (Evictions != evictionsBefore)
        {
            _roles.TryRemove(new KeyValuePair<Key, Entry>(key, entry));
        }
    }

    /// <summary>Forgets the membership a feed entry names; any other entry (a credential's hash) names none here.</summary>
    public void Evict(ReadOnlySpan<byte> feedKey)
    {
        if (feedKey.Length != 32)
        {
            return;
        }

        Interlocked.Increment(ref _evictions); // before removing: see Remember
        _roles.TryRemove(new Key(new Guid(feedKey[..16]), new Guid(feedKey[16..])), out _);
    }

    private readonly record struct Key(Guid Workspace, Guid User);

    private sealed record Entry(WorkspaceRole Role, long CachedAtTicks);
}
