using Akua.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.Infrastructure.Retention;

/// <summary>
/// A named lease in the shared database: the node whose <see cref="Holder"/> it is may do the named work until
/// <see cref="ExpiresAt"/>; another node takes it over only after that. So background work that several nodes
/// would otherwise race at (retention) runs on one at a time, and moves on when that node dies.
/// </summary>
public sealed class Lease
{
    public const int MaxNameLength = 64;

    public string Name { get; set; } = "";

    public string Holder { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class LeaseConfiguration : IEntityTypeConfiguration<Lease>
{
    public void Configure(EntityTypeBuilder<Lease> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(Lease.MaxNameLength);
        builder.Property(l => l.Holder).HasMaxLength(Lease.MaxNameLength);
    }
}

/// <summary>Takes and renews leases with one conditional statement each, the same on every engine.</summary>
public sealed class Leases(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>This process, as a lease holder: unique per start, so a restarted node does not inherit its old lease.</summary>
    public string Holder { get; } = Last(Lease.MaxNameLength, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");

    private static string Last(int length, string text) => text.Length <= length ? text : text[^length..];

    /// <summary>
    /// Takes <paramref name="name"/> for <paramref name="duration"/> when it is free, expired, or already ours; false
    /// when another node holds it. Races resolve in the database: one conditional update or one insert wins.
    /// </summary>
    public async Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        var now = clock.GetUtcNow();
        var until = now + duration;
        var holder = Holder;
        var taken = await db.Leases.Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt <= now))
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.Holder, holder).SetProperty(x => x.ExpiresAt, until), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.Leases.AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false; // held by another node
        }

        db.Leases.Add(new Lease { Name = name, Holder = holder, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is DbUpdateException or Akua.Domain.Common.DomainException)
        {
            return false; // another node inserted it first
        }
    }

    /// <summary>Gives the lease up (when the work is done), so another node need not wait for it to expire.</summary>
    public async Task ReleaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        var holder = Holder;
        var past = clock.GetUtcNow().AddSeconds(-1);
        await db.Leases.Where(l => l.Name == name && l.Holder == holder).ExecuteUpdateAsync(l => l.SetProperty(x => x.ExpiresAt, past), cancellationToken);
    }
}
