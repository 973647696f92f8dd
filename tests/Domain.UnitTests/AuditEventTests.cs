using Akua.Domain.Audit;
using Akua.Domain.Common;
using Microsoft.Extensions.Time.Testing;

namespace Akua.Domain.UnitTests;

public sealed class AuditEventTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Long_details_are_cut_to_fit_and_never_refuse_the_change()
    {
        var details = new Dictionary<string, string?>
        {
            ["name"] = new string('n', 100),
            ["url"] = "https://github.com/" + new string('u', 5000),
            ["source"] = new string('s', 5000),
            ["note"] = new string('é', 3000), // escaped in JSON: longer there than in characters
        };

        var audit = AuditEvent.Record(AuditActions.ApiTokenLeaked, AuditActor.Anonymous, new AuditTarget("api_token", "tok_x"), null, null, null, null, details, _clock);

        Assert.InRange(audit.Details!.Length, 1, AuditEvent.MaxDetailsLength);
        Assert.Equal(new string('n', 100), audit.DetailValues["name"]); // the short value is whole
        Assert.StartsWith("https://github.com/", audit.DetailValues["url"], StringComparison.Ordinal);
    }

    [Fact]
    public void An_action_that_is_not_listed_is_refused()
    {
        Assert.Throws<ArgumentException>(() => AuditEvent.Record("api_token.misspelt", AuditActor.Anonymous, new AuditTarget("api_token", null), null, null, null, null, null, _clock));
    }

    [Fact]
    public void A_user_agent_and_address_are_kept_within_their_columns()
    {
        var audit = AuditEvent.Record(AuditActions.UserSignedIn, AuditActor.User(EntityId.New<UserId>(_clock), "password"), new AuditTarget("session", null),
            null, null, new string('1', 100), new string('a', 2000), null, _clock);

        Assert.Equal(AuditEvent.MaxAddressLength, audit.IpAddress!.Length);
        Assert.Equal(AuditEvent.MaxUserAgentLength, audit.UserAgent!.Length);
        Assert.Null(audit.Details);
        Assert.Equal("user", audit.ActorKindName);
    }
}
