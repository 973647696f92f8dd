using Akua.Domain.ApiTokens;
using Akua.Domain.Common;
using Akua.Domain.Workspaces;

namespace Akua.Domain.UnitTests;

public sealed class ApiTokenTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestClock.New();

    private ApiToken Issue(DateTimeOffset? expiresAt = null, WorkspaceRole role = WorkspaceRole.Admin) =>
        ApiToken.Issue(EntityId.New<WorkspaceId>(_clock), " CI pipeline ", role, TestClock.Hash(), "sk_akua_abcd", expiresAt, null, _clock);

    [Fact]
    public void Issue_keeps_only_the_hash_and_the_display_prefix()
    {
        var token = Issue(TestClock.Start.AddDays(30));

        Assert.Equal("CI pipeline", token.Name);
        Assert.Equal(TestClock.Hash(), token.TokenHash);
        Assert.Equal("sk_akua_abcd", token.Prefix);
        Assert.Equal(TestClock.Start.AddDays(30), token.ExpiresAt);
        Assert.Null(token.LastUsedAt);
    }

    [Fact]
    public void A_token_is_never_an_owner()
    {
        var error = Assert.Throws<DomainException>(() => Issue(role: WorkspaceRole.Owner));
        Assert.Equal(ErrorKind.Validation, error.Kind);
    }

    [Fact]
    public void Expiry_must_be_in_the_future()
    {
        Assert.Throws<DomainException>(() => Issue(TestClock.Start));
        Assert.Throws<DomainException>(() => Issue(TestClock.Start.AddSeconds(-1)));
    }

    [Fact]
    public void A_token_expires_exactly_at_its_expiry()
    {
        var token = Issue(TestClock.Start.AddHours(1));

        Assert.False(token.IsExpiredAt(TestClock.Start.AddHours(1).AddTicks(-1)));
        Assert.True(token.IsExpiredAt(TestClock.Start.AddHours(1)));
        Assert.False(Issue().IsExpiredAt(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void Last_use_only_moves_forward()
    {
        var token = Issue();

        token.RecordUse(TestClock.Start.AddMinutes(5));
        token.RecordUse(TestClock.Start.AddMinutes(2));

        Assert.Equal(TestClock.Start.AddMinutes(5), token.LastUsedAt);
    }

    [Fact]
    public void Revoke_returns_the_feed_entry_and_cannot_happen_twice()
    {
        var token = Issue();

        var revocation = token.Revoke(_clock);

        Assert.Equal(token.TokenHash, revocation.CredentialHash);
        Assert.Equal(TestClock.Start, revocation.RevokedAt);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<DomainException>(() => token.Revoke(_clock)).Kind);
    }

    [Fact]
    public void A_roll_shortens_the_old_tokens_life_to_the_overlap_and_links_the_two()
    {
        var old = Issue(TestClock.Start.AddDays(30));
        var replacement = ApiToken.Issue(old.WorkspaceId, old.Name, old.Role, TestClock.Hash(2), "sk_akua_efgh", TestClock.Start.AddDays(30), null, _clock);

        var eviction = old.RollTo(replacement, TimeSpan.FromHours(1), _clock);

        Assert.Equal(TestClock.Start.AddHours(1), old.ExpiresAt);
        Assert.Equal(replacement.Id, old.ReplacedById);
        Assert.Equal(old.Id, replacement.ReplacesId);
        Assert.Equal(old.TokenHash, eviction.CredentialHash);
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<DomainException>(() => old.RollTo(replacement, TimeSpan.Zero, _clock)).Kind);
    }

    [Fact]
    public void A_roll_never_lengthens_a_token_and_keeps_to_seven_days()
    {
        var old = Issue(TestClock.Start.AddMinutes(10));
        var replacement = ApiToken.Issue(old.WorkspaceId, old.Name, old.Role, TestClock.Hash(2), "sk_akua_efgh", null, null, _clock);
        Assert.Equal(ErrorKind.Validation, Assert.Throws<DomainException>(() => old.RollTo(replacement, TimeSpan.FromDays(8), _clock)).Kind);

        old.RollTo(replacement, TimeSpan.FromDays(1), _clock);

        Assert.Equal(TestClock.Start.AddMinutes(10), old.ExpiresAt); // it was to stop sooner than the overlap
    }

    [Fact]
    public void A_leak_revokes_once_and_keeps_where_it_was_found()
    {
        var token = Issue();

        var first = token.RevokeAsLeaked("https://github.com/o/r/blob/1/.env", _clock);
        var again = token.RevokeAsLeaked("https://github.com/o/r/blob/2/.env", _clock);

        Assert.NotNull(first);
        Assert.Null(again);
        Assert.True(token.IsRevoked);
        Assert.False(token.IsLiveAt(TestClock.Start));
        Assert.Equal("https://github.com/o/r/blob/1/.env", token.LeakUrl);
        var replacement = ApiToken.Issue(token.WorkspaceId, token.Name, token.Role, TestClock.Hash(2), "sk_akua_efgh", null, null, _clock);
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<DomainException>(() => token.RollTo(replacement, TimeSpan.Zero, _clock)).Kind);
    }
}
