using Akua.Domain.Users;
using Mapster;

namespace Akua.Application.Members;

/// <summary>A member: the membership (its id, role and date) and the person's email and name.</summary>
public sealed record MemberResponse(string Id, string UserId, string Email, string Name, WorkspaceRole Role, long CreatedAt)
{
    /// <summary>The runtime parameter that carries the member's <see cref="User"/>.</summary>
    public const string UserParameter = "user";
}

internal sealed class MemberMapping : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<Membership, MemberResponse>()
        .Map(d => d.Email, _ => MapperExtensions.Given<User>(MemberResponse.UserParameter).Email)
        .Map(d => d.Name, _ => MapperExtensions.Given<User>(MemberResponse.UserParameter).Name);
}
