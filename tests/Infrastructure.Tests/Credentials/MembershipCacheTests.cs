using Akua.Domain.Common;
using Akua.Domain.Revocations;
using Akua.Domain.Workspaces;
using Akua.Infrastructure.Credentials;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Akua.Infrastructure.Tests.Credentials;

public sealed class MembershipCacheTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly WorkspaceId _workspace = new(Guid.CreateVersion7());
    private readonly UserId _user = new(Guid.CreateVersion7());

    [Fact]
    public void A_role_is_remembered_until_the_feed_names_its_membership()
    {
        var cache = new MembershipCache(_clock);
        cache.Remember(_workspace, _user, WorkspaceRole.Admin, cache.Evictions);
        Assert.True(cache.TryGet(_workspace, _user, out var role));
        Assert.Equal(WorkspaceRole.Admin, role);

        // Another membership's entry, and a credential's hash, leave it alone.
        cache.Evict(Revocation.MembershipKey(_workspace, new UserId(Guid.CreateVersion7())));
        cache.Evict(System.Security.Cryptography.SHA256.HashData("sk_akua_x"u8));
        Assert.True(cache.TryGet(_workspace, _user, out _));

        cache.Evict(Revocation.OfMembership(_workspace, _user, _clock.GetUtcNow()).CredentialHash);
        Assert.False(cache.TryGet(_workspace, _user, out _));
    }

    [Fact]
    public void A_role_read_before_a_change_is_not_remembered_after_its_eviction()
    {
        var cache = new MembershipCache(_clock);
        var before = cache.Evictions;
        cache.Evict(Revocation.MembershipKey(_workspace, _user));

        cache.Remember(_workspace, _user, WorkspaceRole.Owner, before);

        Assert.False(cache.TryGet(_workspace, _user, out _));
    }

    [Fact]
    public void Roles_are_read_again_after_the_maximum_age()
    {
        var cache = new MembershipCache(_clock);
        cache.Remember(_workspace, _user, WorkspaceRole.Member, cache.Evictions);

        _clock.Advance(CredentialCacheOptions.DefaultMaxAge);

        Assert.False(cache.TryGet(_workspace, _user, out _));
    }

    [Fact]
    public void A_configured_maximum_age_and_bound_are_kept()
    {
        var cache = new MembershipCache(_clock, Options.Create(new CredentialCacheOptions { MaxAge = TimeSpan.FromMinutes(30), MaxEntries = 2_000 }));
        cache.Remember(_workspace, _user, WorkspaceRole.Member, cache.Evictions);

        _clock.Advance(TimeSpan.FromMinutes(29));
        Assert.True(cache.TryGet(_workspace, _user, out _));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(cache.TryGet(_workspace, _user, out _));

        for (var i = 0; i < 2_500; i++)
        {
            cache.Remember(new WorkspaceId(Guid.CreateVersion7()), _user, WorkspaceRole.Member, cache.Evictions);
        }

        Assert.InRange(cache.Count, 1, 2_000);
    }

    [Fact]
    public void The_cache_is_bounded()
    {
        var cache = new MembershipCache(_clock);
        for (var i = 0; i < CredentialCacheOptions.DefaultMaxEntries + 5_000; i++)
        {
            cache.Remember(new WorkspaceId(Guid.CreateVersion7()), _user, WorkspaceRole.Member, cache.Evictions);
        }

        Assert.InRange(cache.Count, 1, CredentialCacheOptions.DefaultMaxEntries);
    }
}
