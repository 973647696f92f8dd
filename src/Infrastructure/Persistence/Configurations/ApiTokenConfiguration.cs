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
    }
}
