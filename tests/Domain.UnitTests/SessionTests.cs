using Akua.Domain.Common;
using Akua.Domain.Revocations;
using Akua.Domain.Sessions;

namespace Akua.Domain.UnitTests;

public sealed class SessionTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestClock.New();

    private Session Start(string? userAgent = "cnap/1.0") =>
        Session.Start(EntityId.New<UserId>(_clock), TestClock.Hash(), "cnap-cli", userAgent, "127.0.0.1", _clock);

    [Fact]
    public void A_session_lives_one_year()
    {
        var session = Start();

        Assert.Equal(TestClock.Start.AddDays(365), session.ExpiresAt);
        Assert.Equal(TestClock.Start, session.LastUsedAt);
        Assert.Equal("cnap-cli", session.ClientId);
    }

    [Fact]
    public void Each_use_slides_the_expiry_to_one_year_after_it()
    {
        var session = Start();

        session.Touch(TestClock.Start.AddDays(200));

        Assert.Equal(TestClock.Start.AddDays(565), session.ExpiresAt);
        Assert.Equal(TestClock.Start.AddDays(200), session.LastUsedAt);
    }

    [Fact]
    public void An_older_use_arriving_late_does_not_move_the_expiry_back()
    {
        var session = Start();
        session.Touch(TestClock.Start.AddDays(10));

        session.Touch(TestClock.Start.AddDays(5));

        Assert.Equal(TestClock.Start.AddDays(375), session.ExpiresAt);
    }

    [Fact]
    public void An_expired_session_cannot_be_revived_by_a_use()
    {
        var session = Start();

        Assert.True(session.IsExpiredAt(TestClock.Start.AddDays(365)));
        Assert.Throws<DomainException>(() => session.Touch(TestClock.Start.AddDays(366)));
        Assert.Equal(TestClock.Start.AddDays(365), session.ExpiresAt);
    }

    [Fact]
    public void Revoke_cannot_happen_twice()
    {
        var session = Start();

        Revocation revocation = session.Revoke(_clock);

        Assert.Equal(session.TokenHash, revocation.CredentialHash);
        Assert.Throws<DomainException>(() => session.Revoke(_clock));
    }

    [Fact]
    public void An_oversized_user_agent_is_cut_to_the_column()
    {
        var session = Start(new string('x', 5000));

        Assert.Equal(Session.MaxUserAgentLength, session.UserAgent!.Length);
    }

    [Fact]
    public void A_hash_must_be_32_bytes()
    {
        Assert.Throws<ArgumentException>(() => Session.Start(default, [1, 2, 3], "web", null, null, _clock));
        Assert.Throws<ArgumentException>(() => Revocation.Of(new byte[31], TestClock.Start));
    }
}
