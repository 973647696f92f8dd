using Akua.Domain.Installs;

namespace Akua.Application.Installs.CreateInstall;

public sealed record CreateInstallCommand(string Name, string Product) : ICommand<InstallResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.InstallsWrite;
}

internal sealed class CreateInstallHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper, TimeProvider clock)
    : ICommandHandler<CreateInstallCommand, InstallResponse>
{
    public ValueTask<InstallResponse> Handle(CreateInstallCommand command, CancellationToken cancellationToken)
    {
        var install = Install.Create(workspace.Id, command.Name, command.Product, clock);
        db.Installs.Add(install);
        return ValueTask.FromResult(mapper.Map<InstallResponse>(install));
    }
}
