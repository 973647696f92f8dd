using Akua.Domain.Installs;
using Mapster;

namespace Akua.Application.Installs;

public sealed record InstallResponse(string Id, string WorkspaceId, string Name, string Product, long CreatedAt);

internal sealed class InstallMapping : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<Install, InstallResponse>();
}
