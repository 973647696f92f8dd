namespace Akua.Infrastructure.Credentials;

/// <summary>
/// The bounds of a node's credential and membership caches (section <c>CredentialCache</c>). docs/scaling.md says
/// when to move them: a longer <see cref="MaxAge"/> divides the database's misses, more <see cref="MaxEntries"/>
/// keeps a node's hit rate when it sees more active credentials than the default holds.
/// </summary>
public sealed class CredentialCacheOptions
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(5);

    public const int DefaultMaxEntries = 100_000;

    /// <summary>
    /// A safety net: even without a revocation, an entry is read again from the database this often. Revocations and
    /// role changes evict at once (the feed), so a longer age does not delay them; it only bounds what a lost
    /// eviction could cost.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = DefaultMaxAge;

    /// <summary>Each cache's bound (credentials, unknown tokens, roles): past it, a tenth is dropped and read again when used.</summary>
    public int MaxEntries { get; set; } = DefaultMaxEntries;

    /// <summary>The limits <see cref="CredentialServices"/> checks at start-up.</summary>
    public bool IsValid => MaxAge >= TimeSpan.FromSeconds(1) && MaxAge <= TimeSpan.FromDays(1) && MaxEntries is >= 1_000 and <= 100_000_000;
}
