using Akua.Domain.DeviceCodes;

namespace Akua.Infrastructure.Persistence.Configurations;

/// <summary>
/// No foreign keys to users or sessions: a device code is a short-lived record of what happened, and SQL
/// Server refuses a second cascade path to it. The unique user-code index is in the context (engine SQL).
/// </summary>
internal sealed class DeviceCodeConfiguration : IEntityTypeConfiguration<DeviceCode>
{
    public void Configure(EntityTypeBuilder<DeviceCode> builder)
    {
        builder.HasKey(d => d.Id);
        builder.Property(d => d.UserCode).HasMaxLength(DeviceCode.UserCodeLength);
        builder.Property(d => d.ClientId).HasMaxLength(64);
        builder.Property(d => d.Scope).HasMaxLength(256);
        builder.Property(d => d.RequesterIp).HasMaxLength(45);
        builder.Property(d => d.RequesterUserAgent).HasMaxLength(512);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.HasLookupHash(d => d.DeviceCodeHash);
        builder.HasIndex(d => d.ExpiresAt);
        builder.Ignore(d => d.DisplayUserCode);
    }
}
