using Akua.Domain.Users;
using Akua.Domain.Workspaces;

namespace Akua.Application.Members;

public sealed record MemberResponse(string Id, string UserId, string Email, string Name, WorkspaceRole Role, long CreatedAt)
{
    public static MemberResponse From(Membership membership, User user) => new(
        membership.Id.ToString(), user.Id.ToString(), user.Email, user.Name, membership.Role, membership.CreatedAt.ToUnixTimeSeconds());
}
