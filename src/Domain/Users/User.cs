using Akua.Domain.Common;

namespace Akua.Domain.Users;

public sealed class User
{
    public const int MaxEmailLength = 254;
    public const int MaxNameLength = 100;

    private User()
    {
        Email = NormalizedEmail = Name = PasswordHash = null!;
    }

    public UserId Id { get; private set; }

    public string Email { get; private set; }

    /// <summary>The unique key: two spellings of one address are one account.</summary>
    public string NormalizedEmail { get; private set; }

    public string Name { get; private set; }

    /// <summary>An adaptive hash (never the password) produced by the infrastructure's password hasher.</summary>
    public string PasswordHash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static User Register(string email, string name, string passwordHash, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        var now = clock.GetUtcNow();
        var trimmed = email.Trim();
        return new User
        {
            Id = EntityId.New<UserId>(clock),
            Email = trimmed,
            NormalizedEmail = NormalizeEmail(trimmed),
            Name = name.Trim(),
            PasswordHash = passwordHash,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public static string NormalizeEmail(string email) => email.Trim().ToUpperInvariant();

    public void Rename(string name, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name.Trim();
        UpdatedAt = clock.GetUtcNow();
    }

    /// <summary>Replaces the stored hash, e.g. when the hasher asks for a rehash with stronger parameters.</summary>
    public void ChangePasswordHash(string passwordHash, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        PasswordHash = passwordHash;
        UpdatedAt = clock.GetUtcNow();
    }
}
