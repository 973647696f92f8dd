using Akua.Domain.OAuth;
using Akua.Domain.Users;
using Akua.Domain.Workspaces;

namespace Akua.Infrastructure.Persistence.Configurations;

internal sealed class OAuthClientConfiguration : IEntityTypeConfiguration<OAuthClient>
{
    public void Configure(EntityTypeBuilder<OAuthClient> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.ClientId).HasMaxLength(64);
        builder.HasIndex(c => c.ClientId).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(OAuthClient.MaxNameLength);
        builder.Property(c => c.Type).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.SecretHash).HasMaxLength(SecretHash.Length);
        builder.Ignore(c => c.RedirectUris);
        builder.PrimitiveCollection<List<string>>("_redirectUris").HasColumnName("RedirectUris");
        builder.Property(c => c.ScopeNames).HasColumnName("Scopes").HasMaxLength(OAuthClient.MaxScopesLength);
        builder.Ignore(c => c.Scopes);
        builder.Property(c => c.AllowedIps).HasMaxLength(AddressAllowlist.MaxStoredLength);
        builder.Ignore(c => c.AllowedAddresses);
        builder.HasIndex(c => new { c.WorkspaceId, c.CreatedAt });
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuthorizationCodeConfiguration : IEntityTypeConfiguration<AuthorizationCode>
{
    public void Configure(EntityTypeBuilder<AuthorizationCode> builder)
    {
        builder.HasKey(c => c.Id);
        builder.HasLookupHash(c => c.CodeHash);
        builder.Property(c => c.ClientId).HasMaxLength(64);
        builder.Property(c => c.RedirectUri).HasMaxLength(OAuthClient.MaxRedirectUriLength);
        builder.Property(c => c.Scope).HasMaxLength(256);
        builder.Property(c => c.CodeChallenge).HasMaxLength(128);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasIndex(c => c.ExpiresAt);
        builder.Ignore(c => c.IsRedeemed);
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> builder)
    {
        builder.HasKey(t => t.Id);
        builder.HasLookupHash(t => t.TokenHash);
        builder.HasIndex(t => t.FamilyId);
        builder.HasIndex(t => t.ExpiresAt); // retention deletes by it
        builder.Property(t => t.ClientId).HasMaxLength(64);
        builder.HasIndex(t => t.ClientId);
        builder.Property(t => t.Scope).HasMaxLength(256);
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.Ignore(t => t.IsConsumed);
        builder.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> builder)
    {
        builder.HasKey(k => k.KeyId);
        builder.Property(k => k.KeyId).HasMaxLength(64);
        builder.Property(k => k.Algorithm).HasMaxLength(16);
        builder.HasIndex(k => k.ExpiresAt);
    }
}
