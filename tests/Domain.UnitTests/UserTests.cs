using Akua.Domain.Users;

namespace Akua.Domain.UnitTests;

public sealed class UserTests
{
    [Fact]
    public void Register_trims_and_normalizes_the_email()
    {
        var clock = TestClock.New();

        var user = User.Register("  Ann@Example.com ", " Ann ", "hash", clock);

        Assert.Equal("Ann@Example.com", user.Email);
        Assert.Equal("ANN@EXAMPLE.COM", user.NormalizedEmail);
        Assert.Equal("Ann", user.Name);
        Assert.Equal(TestClock.Start, user.CreatedAt);
        Assert.StartsWith("usr_", user.Id.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Register_refuses_an_empty_password_hash()
    {
        Assert.ThrowsAny<ArgumentException>(() => User.Register("a@b.co", "Ann", " ", TestClock.New()));
    }

    [Fact]
    public void Rename_and_rehash_move_updated_at()
    {
        var clock = TestClock.New();
        var user = User.Register("a@b.co", "Ann", "hash", clock);
        clock.Advance(TimeSpan.FromMinutes(1));

        user.Rename("Anna", clock);
        user.ChangePasswordHash("hash2", clock);

        Assert.Equal("Anna", user.Name);
        Assert.Equal("hash2", user.PasswordHash);
        Assert.Equal(TestClock.Start.AddMinutes(1), user.UpdatedAt);
    }
}
