namespace Akua.Application.Installs.DeleteInstall;

public sealed record DeleteInstallCommand(string Id) : ICommand, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.InstallsWrite;
}

internal sealed class DeleteInstallHandler(IApplicationDbContext db, WorkspaceScope workspace) : ICommandHandler<DeleteInstallCommand>
{
    public async ValueTask<Unit> Handle(DeleteInstallCommand command, CancellationToken cancellationToken)
    {
        db.Installs.Remove(await db.FindInstallAsync(command.Id, workspace, tracked: true, cancellationToken));
        return Unit.Value;
    }
}
