using Akua.Domain.Revocations;

namespace Akua.Infrastructure.Persistence.Configurations;

internal sealed class RevocationConfiguration : IEntityTypeConfiguration<Revocation>
{
    public void Configure(EntityTypeBuilder<Revocation> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedOnAdd();
        builder.Property(r => r.CredentialHash).HasMaxLength(SecretHash.Length);
        builder.HasIndex(r => r.RevokedAt);
    }
}
