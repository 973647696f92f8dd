using Akua.Domain.Audit;

namespace Akua.Infrastructure.Persistence.Configurations;

/// <summary>
/// No foreign keys: an event outlives the token, member or workspace it names (retention removes it, nothing
/// else does).
/// </summary>
internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Action).HasMaxLength(AuditEvent.MaxActionLength);
        builder.Property(e => e.ActorKindName).HasColumnName("ActorKind").HasMaxLength(16);
        builder.Property(e => e.ActorId).HasMaxLength(AuditEvent.MaxIdLength);
        builder.Property(e => e.ActorTokenPrefix).HasMaxLength(AuditEvent.MaxIdLength);
        builder.Property(e => e.ActorCredential).HasMaxLength(AuditEvent.MaxCredentialLength);
        builder.Property(e => e.ActorClientId).HasMaxLength(AuditEvent.MaxIdLength);
        builder.Property(e => e.TargetType).HasMaxLength(AuditEvent.MaxTypeLength);
        builder.Property(e => e.TargetId).HasMaxLength(AuditEvent.MaxIdLength);
        builder.Property(e => e.IpAddress).HasMaxLength(AuditEvent.MaxAddressLength);
        builder.Property(e => e.UserAgent).HasMaxLength(AuditEvent.MaxUserAgentLength);
        builder.Property(e => e.Details).HasMaxLength(AuditEvent.MaxDetailsLength);
        builder.Ignore(e => e.Actor);
        builder.Ignore(e => e.DetailValues);
        builder.HasIndex(e => new { e.WorkspaceId, e.CreatedAt });
        builder.HasIndex(e => new { e.UserId, e.CreatedAt });
        builder.HasIndex(e => e.CreatedAt);
    }
}
