using Akua.Domain.Users;
using Mapster;

namespace Akua.Application.Accounts;

/// <summary>A user as the API shows it.</summary>
public sealed record UserResponse(string Id, string Email, string Name);

internal sealed class UserMapping : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<User, UserResponse>();
}
