using System.Linq.Expressions;

namespace Akua.Infrastructure.Persistence.Configurations;

internal static class LookupHashExtensions
{
    /// <summary>
    /// The SHA-256 of a bearer secret (a session or API token, a device, authorization or refresh code): fixed
    /// length, and the unique key the secret is found by, never the secret itself (ADR 0004).
    /// </summary>
    public static EntityTypeBuilder<T> HasLookupHash<T>(this EntityTypeBuilder<T> builder, Expression<Func<T, byte[]>> hash)
        where T : class
    {
        var property = builder.Property(hash).HasMaxLength(SecretHash.Length);
        builder.HasIndex(property.Metadata.Name).IsUnique();
        return builder;
    }
}
