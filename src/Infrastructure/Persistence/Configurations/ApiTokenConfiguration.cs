using Akua.Domain.ApiTokens;
using Akua.Domain.Workspaces;

namespace Akua.Infrastructure.Persistence.Configurations;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Name).HasMaxLength(ApiToken.MaxNameLength);
        builder.Property(t => t.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Prefix).HasMaxLength(ApiToken.PrefixLength);
        builder.HasLookupHash(t => t.TokenHash);
        builder.HasIndex(t => new { t.WorkspaceId, t.CreatedAt });
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(t => t.CreatedBy).HasMaxLength(ApiToken.MaxCreatedByLength);
        builder.Property(t => t.LeakUrl).HasMaxLength(ApiToken.MaxLeakUrlLength);
        builder.Ignore(t => t.IsRevoked);
        builder.Ignore(t => t.Effective);
        builder.Property(t => t.PermissionNames).HasColumnName("Permissions").HasMaxLength(ApiToken.MaxPermissionsLength);
        builder.Property(t => t.AllowedIps).HasMaxLength(AddressAllowlist.MaxStoredLength);
        builder.Ignore(t => t.AllowedAddresses);
    }
}

/// <summary>One row per token and day; it goes with its token.</summary>
internal sealed class ApiTokenUsageConfiguration : IEntityTypeConfiguration<ApiTokenUsage>
{
    public void Configure(EntityTypeBuilder<ApiTokenUsage> builder)
    {
        builder.ToTable("ApiTokenUsage");
        builder.HasKey(u => new { u.TokenId, u.Day });
        builder.HasOne<ApiToken>().WithMany().HasForeignKey(u => u.TokenId).OnDelete(DeleteBehavior.Cascade);
    }
}
