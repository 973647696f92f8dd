using Akua.Domain.Sessions;
using Akua.Domain.Users;

namespace Akua.Infrastructure.Persistence.Configurations;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.ClientId).HasMaxLength(Session.MaxClientIdLength);
        builder.Property(s => s.UserAgent).HasMaxLength(Session.MaxUserAgentLength);
        builder.Property(s => s.IpAddress).HasMaxLength(Session.MaxIpAddressLength);
        builder.HasLookupHash(s => s.TokenHash);
        builder.HasIndex(s => new { s.UserId, s.CreatedAt });
        builder.HasIndex(s => s.ExpiresAt); // retention deletes by it
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
