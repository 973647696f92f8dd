using Akua.Domain.Common;
using Akua.Domain.DeviceCodes;

namespace Akua.Domain.UnitTests;

public sealed class DeviceCodeTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestClock.New();
    private readonly UserId _user;

    public DeviceCodeTests() => _user = EntityId.New<UserId>(_clock);

    private DeviceCode Create() => DeviceCode.Create(TestClock.Hash(), "bcdf-ghjk", "cnap-cli", null, "10.0.0.1", "cnap/1.0", _clock);

    [Theory]
    [InlineData("BCDF-GHJK", "BCDFGHJK")]
    [InlineData("bcdfghjk", "BCDFGHJK")]
    [InlineData(" bcdf ghjk ", "BCDFGHJK")]
    [InlineData("BCDF-GHJ", null)]
    [InlineData("BCDF-GHJKL", null)]
    [InlineData("ABCD-EFGH", null)] // vowels are not in the alphabet
    [InlineData("", null)]
    [InlineData(null, null)]
    public void User_codes_are_accepted_in_any_case_with_or_without_the_dash(string? typed, string? expected)
    {
        Assert.Equal(expected, DeviceCode.NormalizeUserCode(typed));
    }

    [Fact]
    public void A_new_code_is_pending_for_15_minutes_with_a_5_second_interval()
    {
        var code = Create();

        Assert.Equal(DeviceCodeStatus.Pending, code.Status);
        Assert.Equal("BCDFGHJK", code.UserCode);
        Assert.Equal("BCDF-GHJK", code.DisplayUserCode);
        Assert.Equal(TestClock.Start.AddMinutes(15), code.ExpiresAt);
        Assert.Equal(5, code.IntervalSeconds);
    }

    [Fact]
    public void Polling_before_a_decision_is_pending()
    {
        var code = Create();

        Assert.Equal(DevicePollOutcome.AuthorizationPending, code.Poll(_clock));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(DevicePollOutcome.AuthorizationPending, code.Poll(_clock));
    }

    [Fact]
    public void Polling_too_fast_slows_down_and_the_interval_stays_grown()
    {
        var code = Create();
        code.Poll(_clock);
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(DevicePollOutcome.SlowDown, code.Poll(_clock));
        Assert.Equal(10, code.IntervalSeconds);

        _clock.Advance(TimeSpan.FromSeconds(6)); // within the new 10 s interval
        Assert.Equal(DevicePollOutcome.SlowDown, code.Poll(_clock));
        Assert.Equal(15, code.IntervalSeconds);

        _clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(DevicePollOutcome.AuthorizationPending, code.Poll(_clock));
        Assert.Equal(15, code.IntervalSeconds);
    }

    [Fact]
    public void An_approved_code_is_exchanged_once()
    {
        var code = Create();
        code.Approve(_user, _clock);
        var session = EntityId.New<SessionId>(_clock);

        Assert.Equal(DevicePollOutcome.Approved, code.Poll(_clock));
        code.Consume(session);

        Assert.Equal(DeviceCodeStatus.Consumed, code.Status);
        Assert.Equal(session, code.IssuedSessionId);
        Assert.Equal(_user, code.DecidedBy);
        Assert.Throws<DomainException>(() => code.Consume(session));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(DevicePollOutcome.AlreadyUsed, code.Poll(_clock));
    }

    [Fact]
    public void A_code_that_is_not_approved_cannot_be_consumed()
    {
        var code = Create();

        Assert.Throws<DomainException>(() => code.Consume(EntityId.New<SessionId>(_clock)));
    }

    [Fact]
    public void A_denied_code_answers_access_denied()
    {
        var code = Create();

        code.Deny(_user, _clock);

        Assert.Equal(DeviceCodeStatus.Denied, code.Status);
        Assert.Equal(DevicePollOutcome.AccessDenied, code.Poll(_clock));
        Assert.Throws<DomainException>(() => code.Consume(EntityId.New<SessionId>(_clock)));
    }

    [Fact]
    public void Approving_an_expired_code_is_refused()
    {
        var code = Create();
        _clock.Advance(TimeSpan.FromMinutes(15));

        var error = Assert.Throws<DomainException>(() => code.Approve(_user, _clock));

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal(DeviceCodeStatus.Pending, code.Status);
        Assert.Equal(DevicePollOutcome.ExpiredToken, code.Poll(_clock));
    }

    [Fact]
    public void A_decided_code_cannot_be_decided_again()
    {
        var code = Create();
        code.Deny(_user, _clock);

        Assert.Throws<DomainException>(() => code.Approve(_user, _clock));
        Assert.Equal(DeviceCodeStatus.Denied, code.Status);
    }

    [Fact]
    public void A_malformed_user_code_cannot_be_stored()
    {
        Assert.Throws<ArgumentException>(() => DeviceCode.Create(TestClock.Hash(), "AEIOU", "cnap-cli", null, null, null, _clock));
    }
}
