using Akua.Domain.ApiTokens;
using Akua.Domain.Audit;
using Akua.Domain.DeviceCodes;
using Akua.Domain.Installs;
using Akua.Domain.OAuth;
using Akua.Domain.Revocations;
using Akua.Domain.Sessions;
using Akua.Domain.Users;
using Akua.Domain.Workspaces;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;

namespace Akua.Infrastructure.Persistence;

/// <summary>One EF Core model for all three engines; each engine keeps its own migrations (ADR-0005).</summary>
public sealed class AkuaDbContext(DbContextOptions<AkuaDbContext> options) : DbContext(options), IApplicationDbContext, IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring (cookies, anti-forgery, protected keys), shared by every node.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<User> Users => Set<User>();

    public DbSet<Workspace> Workspaces => Set<Workspace>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<DeviceCode> DeviceCodes => Set<DeviceCode>();

    public DbSet<Install> Installs => Set<Install>();

    public DbSet<Revocation> Revocations => Set<Revocation>();

    public DbSet<OAuthClient> OAuthClients => Set<OAuthClient>();

    public DbSet<AuthorizationCode> AuthorizationCodes => Set<AuthorizationCode>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<ApiTokenUsage> ApiTokenUsage => Set<ApiTokenUsage>();

    /// <summary>JWT signing keys: Infrastructure's own, not part of the use cases' view.</summary>
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    /// <summary>Attempt counts of the abuse limits (Infrastructure's own table, not the domain's).</summary>
    public DbSet<Akua.Infrastructure.Abuse.AttemptWindow> AttemptWindows => Set<Akua.Infrastructure.Abuse.AttemptWindow>();

    /// <summary>Which node may run a piece of background work now (retention).</summary>
    public DbSet<Akua.Infrastructure.Retention.Lease> Leases => Set<Akua.Infrastructure.Retention.Lease>();

    public void DiscardChanges() => ChangeTracker.Clear();

    public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw DomainException.Conflict("The resource was changed by another request at the same time; try again.");
        }
        catch (DbUpdateException e) when (DatabaseErrors.UniqueViolationMessage(e) is { } message)
        {
            throw DomainException.Conflict(message);
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<UserId>().HaveConversion<EntityIdConverter<UserId>>();
        configurationBuilder.Properties<WorkspaceId>().HaveConversion<EntityIdConverter<WorkspaceId>>();
        configurationBuilder.Properties<MembershipId>().HaveConversion<EntityIdConverter<MembershipId>>();
        configurationBuilder.Properties<InvitationId>().HaveConversion<EntityIdConverter<InvitationId>>();
        configurationBuilder.Properties<ApiTokenId>().HaveConversion<EntityIdConverter<ApiTokenId>>();
        configurationBuilder.Properties<SessionId>().HaveConversion<EntityIdConverter<SessionId>>();
        configurationBuilder.Properties<DeviceCodeId>().HaveConversion<EntityIdConverter<DeviceCodeId>>();
        configurationBuilder.Properties<InstallId>().HaveConversion<EntityIdConverter<InstallId>>();
        configurationBuilder.Properties<OAuthClientId>().HaveConversion<EntityIdConverter<OAuthClientId>>();
        configurationBuilder.Properties<AuditEventId>().HaveConversion<EntityIdConverter<AuditEventId>>();

        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AkuaDbContext).Assembly);

        // The one filter that is engine-specific SQL: a user code is unique among pending codes only.
        // By name: Database.IsSqlServer() would load the SQL Server provider's assemblies on every engine.
        var status = Database.ProviderName == "Microsoft.EntityFrameworkCore.SqlServer" ? "[Status]" : "\"Status\"";
        modelBuilder.Entity<DeviceCode>()
            .HasIndex(d => d.UserCode)
            .IsUnique()
            .HasFilter($"{status} = '{nameof(DeviceCodeStatus.Pending)}'");
    }
}
