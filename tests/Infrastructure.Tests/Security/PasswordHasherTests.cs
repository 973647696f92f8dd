using Akua.Application.Common.Abstractions;
using Akua.Infrastructure.Security;

namespace Akua.Infrastructure.Tests.Security;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new();

    [Fact]
    public void A_hash_verifies_its_password_only()
    {
        var hash = _hasher.Hash("correct horse battery staple");

        Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);
        Assert.Equal(PasswordCheck.Success, _hasher.Verify(hash, "correct horse battery staple"));
        Assert.Equal(PasswordCheck.Failed, _hasher.Verify(hash, "correct horse battery stapler"));
    }

    [Fact]
    public void The_same_password_hashes_differently_each_time()
    {
        Assert.NotEqual(_hasher.Hash("password1"), _hasher.Hash("password1"));
    }
}
