using System.Runtime.CompilerServices;
using Akua.Domain.Revocations;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Akua.Infrastructure.Credentials.Revocations;

/// <summary>
/// Evicts revoked credentials (and changed memberships) from this node's caches the moment the revoking transaction commits: it sees
/// the <see cref="Revocation"/> rows a save adds, and evicts them after the save succeeds. It only evicts: the
/// wait that makes the revocation hold on every node is the revoking command's own declared step
/// (<see cref="Akua.Application.Common.Security.IRevokesCredentials"/>, <see cref="RevocationBarrier"/>).
/// </summary>
public sealed class RevocationEvictor(CredentialCache cache, MembershipCache memberships) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<byte[]>> _pending = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Evict(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Evict(eventData.Context);
        return result;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var hashes = context.ChangeTracker.Entries<Revocation>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.CredentialHash).ToList();
        if (hashes.Count > 0)
        {
            _pending.AddOrUpdate(context, hashes);
        }
    }

    /// <summary>Evicts what the save revoked.</summary>
    private void Evict(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var hashes))
        {
            return;
        }

        _pending.Remove(context);
        foreach (var hash in hashes)
        {
            cache.Evict(hash);
            memberships.Evict(hash);
        }
    }
}
