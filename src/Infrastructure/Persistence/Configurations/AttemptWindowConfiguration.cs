using Akua.Infrastructure.Abuse;

namespace Akua.Infrastructure.Persistence.Configurations;

internal sealed class AttemptWindowConfiguration : IEntityTypeConfiguration<AttemptWindow>
{
    public void Configure(EntityTypeBuilder<AttemptWindow> builder)
    {
        builder.HasKey(w => w.KeyHash);
        builder.Property(w => w.KeyHash).HasMaxLength(32);
        builder.HasIndex(w => w.WindowStart); // pruning
    }
}
