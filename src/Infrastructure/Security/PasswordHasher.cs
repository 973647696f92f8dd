using Akua.Application.Common.Abstractions;
using Microsoft.AspNetCore.Identity;
using IdentityHasher = Microsoft.AspNetCore.Identity.PasswordHasher<object>;

namespace Akua.Infrastructure.Security;

/// <summary>
/// ASP.NET Core Identity's hasher (PBKDF2-HMAC-SHA512, 100,000 iterations, salted, versioned) rather than
/// anything home-made.
/// </summary>
public sealed class PasswordHasher : IPasswordHasher
{
    private static readonly object User = new();
    private readonly IdentityHasher _hasher = new();
    private readonly Lazy<string> _dummyHash;

    public PasswordHasher() => _dummyHash = new Lazy<string>(() => _hasher.HashPassword(User, "not-a-password-" + Guid.NewGuid()));

    public string Hash(string password) => _hasher.HashPassword(User, password);

    public PasswordCheck Verify(string hashedPassword, string password) => _hasher.VerifyHashedPassword(User, hashedPassword, password) switch
    {
        PasswordVerificationResult.Success => PasswordCheck.Success,
        PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.SuccessRehashNeeded,
        _ => PasswordCheck.Failed,
    };

    public void VerifyAgainstDummy(string password) => _hasher.VerifyHashedPassword(User, _dummyHash.Value, password);
}
