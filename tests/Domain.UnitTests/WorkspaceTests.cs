using Akua.Domain.Common;
using Akua.Domain.Workspaces;

namespace Akua.Domain.UnitTests;

public sealed class WorkspaceTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestClock.New();
    private readonly UserId _owner;
    private readonly UserId _other;

    public WorkspaceTests()
    {
        _owner = EntityId.New<UserId>(_clock);
        _other = EntityId.New<UserId>(_clock);
    }

    [Fact]
    public void Create_makes_the_creator_its_owner()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);

        var membership = Assert.Single(workspace.Memberships);
        Assert.Equal(_owner, membership.UserId);
        Assert.Equal(WorkspaceRole.Owner, workspace.RoleOf(_owner));
        Assert.Null(workspace.RoleOf(_other));
    }

    [Theory]
    [InlineData("Ann's Workspace!", "ann-s-workspace")]
    [InlineData("  --  ", "workspace")]
    [InlineData("Ünïcode", "n-code")]
    public void SlugFrom_makes_a_valid_slug(string name, string expected)
    {
        var slug = Workspace.SlugFrom(name);

        Assert.Equal(expected, slug);
        Assert.True(Workspace.IsValidSlug(slug));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("Acme")]
    [InlineData("a_b")]
    public void Create_refuses_an_invalid_slug(string slug)
    {
        var error = Assert.Throws<DomainException>(() => Workspace.Create("Acme", slug, _owner, _clock));
        Assert.Equal(ErrorKind.Validation, error.Kind);
    }

    [Fact]
    public void Rename_changes_name_and_slug()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);

        workspace.Rename("Acme Inc", "acme-inc", _clock);

        Assert.Equal("Acme Inc", workspace.Name);
        Assert.Equal("acme-inc", workspace.Slug);
        Assert.Throws<DomainException>(() => workspace.Rename("Acme", "Not Valid", _clock));
    }

    [Fact]
    public void Adding_a_member_twice_is_a_conflict()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);
        workspace.AddMember(_other, WorkspaceRole.Member, _clock);

        var error = Assert.Throws<DomainException>(() => workspace.AddMember(_other, WorkspaceRole.Admin, _clock));

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal(2, workspace.Memberships.Count);
    }

    [Fact]
    public void Demoting_the_last_owner_is_refused()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);

        var error = Assert.Throws<DomainException>(() => workspace.ChangeMemberRole(_owner, WorkspaceRole.Admin, WorkspaceRole.Owner, _clock));

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal(WorkspaceRole.Owner, workspace.RoleOf(_owner));
    }

    [Fact]
    public void An_owner_can_be_demoted_while_another_owner_remains()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);
        workspace.AddMember(_other, WorkspaceRole.Owner, _clock);

        workspace.ChangeMemberRole(_owner, WorkspaceRole.Member, WorkspaceRole.Owner, _clock);

        Assert.Equal(WorkspaceRole.Member, workspace.RoleOf(_owner));
    }

    [Fact]
    public void A_role_change_and_a_removal_each_name_the_membership_in_the_revocation_feed()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);
        workspace.AddMember(_other, WorkspaceRole.Admin, _clock);
        var key = Akua.Domain.Revocations.Revocation.MembershipKey(workspace.Id, _other);

        Assert.Null(workspace.ChangeMemberRole(_other, WorkspaceRole.Admin, WorkspaceRole.Owner, _clock)); // unchanged: nothing to forget
        Assert.Equal(key, workspace.ChangeMemberRole(_other, WorkspaceRole.Member, WorkspaceRole.Owner, _clock)!.CredentialHash);
        Assert.Equal(key, workspace.RemoveMember(_other, WorkspaceRole.Owner, _clock).Revocation.CredentialHash);
        Assert.NotEqual(key, Akua.Domain.Revocations.Revocation.MembershipKey(workspace.Id, _owner));
    }

    [Fact]
    public void Removing_the_last_owner_is_refused()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);
        workspace.AddMember(_other, WorkspaceRole.Admin, _clock);

        var error = Assert.Throws<DomainException>(() => workspace.RemoveMember(_owner, WorkspaceRole.Owner, _clock));

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        workspace.RemoveMember(_other, WorkspaceRole.Owner, _clock);
        Assert.Single(workspace.Memberships);
    }

    [Fact]
    public void Changing_or_removing_a_non_member_is_not_found()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);

        Assert.Equal(ErrorKind.NotFound, Assert.Throws<DomainException>(() => workspace.ChangeMemberRole(_other, WorkspaceRole.Admin, WorkspaceRole.Owner, _clock)).Kind);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<DomainException>(() => workspace.RemoveMember(_other, WorkspaceRole.Owner, _clock)).Kind);
    }

    [Fact]
    public void Every_membership_change_bumps_the_concurrency_version()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);
        var before = workspace.Version;

        workspace.AddMember(_other, WorkspaceRole.Member, _clock);
        workspace.ChangeMemberRole(_other, WorkspaceRole.Admin, WorkspaceRole.Owner, _clock);
        workspace.RemoveMember(_other, WorkspaceRole.Owner, _clock);

        Assert.Equal(before + 3, workspace.Version);
    }

    [Fact]
    public void Only_an_owner_changes_removes_or_makes_an_owner()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);
        workspace.AddMember(_other, WorkspaceRole.Admin, _clock);
        var third = EntityId.New<UserId>(_clock);
        workspace.AddMember(third, WorkspaceRole.Member, _clock);

        Assert.Equal(ErrorKind.Forbidden, Assert.Throws<DomainException>(() => workspace.ChangeMemberRole(_owner, WorkspaceRole.Member, WorkspaceRole.Admin, _clock)).Kind);
        Assert.Equal(ErrorKind.Forbidden, Assert.Throws<DomainException>(() => workspace.RemoveMember(_owner, WorkspaceRole.Admin, _clock)).Kind);
        Assert.Equal(ErrorKind.Forbidden, Assert.Throws<DomainException>(() => workspace.ChangeMemberRole(third, WorkspaceRole.Owner, WorkspaceRole.Admin, _clock)).Kind);
        Assert.Equal(WorkspaceRole.Owner, workspace.RoleOf(_owner));
        Assert.Equal(WorkspaceRole.Member, workspace.RoleOf(third));

        // An admin manages everyone else; an owner manages owners.
        workspace.ChangeMemberRole(third, WorkspaceRole.Admin, WorkspaceRole.Admin, _clock);
        workspace.ChangeMemberRole(third, WorkspaceRole.Owner, WorkspaceRole.Owner, _clock);
        workspace.RemoveMember(third, WorkspaceRole.Owner, _clock);
        Assert.Null(workspace.RoleOf(third));
    }

    [Fact]
    public void Only_an_owner_sets_the_token_lifetime_policy_and_it_bounds_expiries()
    {
        var workspace = Workspace.Create("Acme", "acme", _owner, _clock);
        Assert.Equal(ErrorKind.Forbidden, Assert.Throws<DomainException>(() => workspace.SetMaxTokenLifetime(86400, WorkspaceRole.Admin, _clock)).Kind);
        Assert.Equal(ErrorKind.Validation, Assert.Throws<DomainException>(() => workspace.SetMaxTokenLifetime(59, WorkspaceRole.Owner, _clock)).Kind);
        workspace.EnsureTokenExpiryAllowed(null, TestClock.Start); // no policy: anything

        workspace.SetMaxTokenLifetime(7 * 86400, WorkspaceRole.Owner, _clock);

        var never = Assert.Throws<DomainException>(() => workspace.EnsureTokenExpiryAllowed(null, TestClock.Start));
        Assert.Contains("604800 seconds (7 days)", never.Message, StringComparison.Ordinal);
        Assert.Throws<DomainException>(() => workspace.EnsureTokenExpiryAllowed(TestClock.Start.AddDays(8), TestClock.Start));
        workspace.EnsureTokenExpiryAllowed(TestClock.Start.AddDays(7), TestClock.Start);
        workspace.SetMaxTokenLifetime(null, WorkspaceRole.Owner, _clock);
        workspace.EnsureTokenExpiryAllowed(null, TestClock.Start);
    }
}
