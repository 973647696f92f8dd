using Akua.Domain.Revocations;
using System.Text.RegularExpressions;
using Akua.Domain.Common;

namespace Akua.Domain.Workspaces;

/// <summary>
/// The aggregate that owns its memberships, so the rule "a workspace always has an owner" is checked in one
/// place. <see cref="Version"/> is a concurrency token: two concurrent membership changes cannot both commit.
/// </summary>
public sealed partial class Workspace
{
    public const int MaxNameLength = 100;
    public const int MaxSlugLength = 40;

    private readonly List<Membership> _memberships = [];

    private Workspace()
    {
        Name = Slug = null!;
    }

    public WorkspaceId Id { get; private set; }

    public string Name { get; private set; }

    public string Slug { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public int Version { get; private set; }

    /// <summary>
    /// The longest an API token of this workspace may live, in seconds; null for no limit. With a limit, every
    /// token is created (and rolled) with an expiry within it.
    /// </summary>
    public long? MaxTokenLifetimeSeconds { get; private set; }

    /// <summary>The most a lifetime policy may say: 100 years.</summary>
    public const long MaxPolicySeconds = 100L * 365 * 24 * 3600;

    public IReadOnlyCollection<Membership> Memberships => _memberships;

    public static bool IsValidSlug(string? slug) => slug is not null && SlugPattern().IsMatch(slug);

    /// <summary>Makes a slug from a name: lowercase letters, digits and single dashes.</summary>
    public static string SlugFrom(string name)
    {
        var slug = NotSlugChars().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > MaxSlugLength)
        {
            slug = slug[..MaxSlugLength].TrimEnd('-');
        }

        return slug.Length == 0 ? "workspace" : slug;
    }

    /// <summary>
    /// The name of a new user's personal workspace, "&lt;name&gt;'s workspace", within <see cref="MaxNameLength"/>:
    /// a long user name is shortened (on a character boundary) rather than overflowing the column.
    /// </summary>
    public static string PersonalName(string userName)
    {
        const string suffix = "'s workspace";
        var name = userName.Trim();
        var room = MaxNameLength - suffix.Length;
        if (name.Length > room)
        {
            name = name[..(char.IsHighSurrogate(name[room - 1]) ? room - 1 : room)].TrimEnd();
        }

        return name + suffix;
    }

    public static Workspace Create(string name, string slug, UserId owner, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        RequireSlug(slug);
        var now = clock.GetUtcNow();
        var workspace = new Workspace
        {
            Id = EntityId.New<WorkspaceId>(clock),
            Name = name.Trim(),
            Slug = slug,
            CreatedAt = now,
            UpdatedAt = now,
        };
        workspace._memberships.Add(Membership.Create(workspace.Id, owner, WorkspaceRole.Owner, now, clock));
        return workspace;
    }

    public WorkspaceRole? RoleOf(UserId user) => Find(user)?.Role;

    public void Rename(string name, string? slug, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (slug is not null)
        {
            RequireSlug(slug);
            Slug = slug;
        }

        Name = name.Trim();
        UpdatedAt = clock.GetUtcNow();
    }

    /// <summary>Sets the token lifetime policy, as someone with <paramref name="actingAs"/>: an owner's decision.</summary>
    public void SetMaxTokenLifetime(long? seconds, WorkspaceRole actingAs, TimeProvider clock)
    {
        if (actingAs != WorkspaceRole.Owner)
        {
            throw DomainException.Forbidden("Only an owner sets the workspace's token lifetime policy.");
        }

        if (seconds is < 60 or > MaxPolicySeconds)
        {
            throw DomainException.Invalid($"max_token_lifetime is from 60 to {MaxPolicySeconds} seconds, or null for no limit.");
        }

        MaxTokenLifetimeSeconds = seconds;
        UpdatedAt = clock.GetUtcNow();
    }

    /// <summary>
    /// Refuses a token expiry the policy does not allow: none at all, or beyond the limit (a few seconds of slack
    /// for a client that computed "now + limit" a moment earlier).
    /// </summary>
    public void EnsureTokenExpiryAllowed(DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        if (MaxTokenLifetimeSeconds is not { } limit)
        {
            return;
        }

        var named = $"this workspace's max_token_lifetime is {limit} seconds ({DescribeLifetime(limit)})";
        if (expiresAt is null)
        {
            throw DomainException.Invalid($"Tokens must expire: {named}.");
        }

        if (expiresAt.Value > now.AddSeconds(limit + 60))
        {
            throw DomainException.Invalid($"expires_at is too far away: {named}.");
        }
    }

    /// <summary>A lifetime in words: "90 days", "1 hour" (the policy's messages and the settings page say it alike).</summary>
    public static string DescribeLifetime(long seconds) => seconds switch
    {
        _ when seconds % 86400 == 0 => Plural(seconds / 86400, "day"),
        _ when seconds % 3600 == 0 => Plural(seconds / 3600, "hour"),
        _ => Plural(seconds / 60, "minute"),
    };

    private static string Plural(long count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";

    public Membership AddMember(UserId user, WorkspaceRole role, TimeProvider clock)
    {
        if (Find(user) is not null)
        {
            throw DomainException.Conflict("The user is already a member of this workspace.");
        }

        var membership = Membership.Create(Id, user, role, clock.GetUtcNow(), clock);
        _memberships.Add(membership);
        Touch(clock);
        return membership;
    }

    /// <summary>
    /// Changes a member's role, as someone with <paramref name="actingAs"/>: only an owner changes an owner or
    /// makes one, and the last owner stays an owner. Returns the feed entry that makes every node forget the old
    /// role (null when the role was already this one).
    /// </summary>
    public Revocation? ChangeMemberRole(UserId user, WorkspaceRole role, WorkspaceRole actingAs, TimeProvider clock)
    {
        var membership = Find(user) ?? throw DomainException.NotFound("Member not found.");
        EnsureMayManage(actingAs, membership.Role);
        EnsureMayGrant(actingAs, role);
        if (membership.Role == role)
        {
            return null;
        }

        if (membership.Role == WorkspaceRole.Owner && OwnerCount() == 1)
        {
            throw DomainException.Conflict("The last owner of a workspace cannot be demoted.");
        }

        membership.ChangeRole(role, clock.GetUtcNow());
        Touch(clock);
        return Revocation.OfMembership(Id, user, clock.GetUtcNow());
    }

    /// <summary>
    /// Removes a member, as someone with <paramref name="actingAs"/>: only an owner removes an owner, and never the
    /// last one. Returns the membership removed and the feed entry that makes every node forget it.
    /// </summary>
    public (Membership Removed, Revocation Revocation) RemoveMember(UserId user, WorkspaceRole actingAs, TimeProvider clock)
    {
        var membership = Find(user) ?? throw DomainException.NotFound("Member not found.");
        EnsureMayManage(actingAs, membership.Role);
        if (membership.Role == WorkspaceRole.Owner && OwnerCount() == 1)
        {
            throw DomainException.Conflict("The last owner of a workspace cannot be removed.");
        }

        _memberships.Remove(membership);
        Touch(clock);
        return (membership, Revocation.OfMembership(Id, user, clock.GetUtcNow()));
    }

    /// <summary>Only an owner makes someone an owner (API.md section 5); an invitation is held to the same rule.</summary>
    public static void EnsureMayGrant(WorkspaceRole actingAs, WorkspaceRole role)
    {
        if (role == WorkspaceRole.Owner && actingAs != WorkspaceRole.Owner)
        {
            throw DomainException.Forbidden("Only an owner can make someone an owner.");
        }
    }

    /// <summary>Only an owner changes or removes an owner (or revokes an invitation to be one).</summary>
    public static void EnsureMayManage(WorkspaceRole actingAs, WorkspaceRole current)
    {
        if (current == WorkspaceRole.Owner && actingAs != WorkspaceRole.Owner)
        {
            throw DomainException.Forbidden("Only an owner can change or remove an owner.");
        }
    }

    private Membership? Find(UserId user) => _memberships.Find(m => m.UserId == user);

    private int OwnerCount() => _memberships.Count(m => m.Role == WorkspaceRole.Owner);

    private void Touch(TimeProvider clock)
    {
        UpdatedAt = clock.GetUtcNow();
        Version++;
    }

    private static void RequireSlug(string slug)
    {
        if (!IsValidSlug(slug))
        {
            throw DomainException.Invalid("A slug is 1 to 40 lowercase letters, digits or inner dashes.");
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlugChars();
}
