using Akua.Domain.Users;
using Akua.Domain.Workspaces;

namespace Akua.Infrastructure.Persistence.Configurations;

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> builder)
    {
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Name).HasMaxLength(Workspace.MaxNameLength);
        builder.Property(w => w.Slug).HasMaxLength(Workspace.MaxSlugLength);
        builder.HasIndex(w => w.Slug).IsUnique();
        builder.Property(w => w.Version).IsConcurrencyToken();
        builder.HasMany(w => w.Memberships).WithOne().HasForeignKey(m => m.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(w => w.Memberships).HasField("_memberships").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(m => new { m.WorkspaceId, m.UserId }).IsUnique();
        builder.HasIndex(m => m.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Email).HasMaxLength(User.MaxEmailLength);
        builder.Property(i => i.NormalizedEmail).HasMaxLength(User.MaxEmailLength);
        builder.Property(i => i.InvitedBy).HasMaxLength(Invitation.MaxInvitedByLength);
        builder.Property(i => i.Role).HasConversion<string>().HasMaxLength(16);
        // A revoke and an accept at the same moment: one wins, the other is a 409 (never revoked yet joined).
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
        builder.Property(i => i.CodeHash).HasMaxLength(32);
        // The workspace's list, and the invited person's (by email or by user id).
        builder.HasIndex(i => new { i.WorkspaceId, i.CreatedAt });
        builder.HasIndex(i => i.NormalizedEmail);
        builder.HasIndex(i => i.UserId);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(i => i.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}
