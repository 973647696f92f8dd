using Akua.Domain.Installs;
using Akua.Domain.Workspaces;

namespace Akua.Infrastructure.Persistence.Configurations;

internal sealed class InstallConfiguration : IEntityTypeConfiguration<Install>
{
    public void Configure(EntityTypeBuilder<Install> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Name).HasMaxLength(Install.MaxNameLength);
        builder.Property(i => i.Product).HasMaxLength(Install.MaxProductLength);
        builder.HasIndex(i => new { i.WorkspaceId, i.CreatedAt });
        builder.HasOne<Workspace>().WithMany().HasForeignKey(i => i.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}
