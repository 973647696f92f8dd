using Akua.Application.Common;

namespace Akua.Application.OAuthClients.DeleteOAuthClient;

/// <summary>Deletes an integration and every refresh token and pending code it holds.</summary>
public sealed record DeleteOAuthClientCommand(string Id) : ICommand, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.OAuthClientsWrite;
}

internal sealed class DeleteOAuthClientHandler(IApplicationDbContext db, IAuditTrail audit, WorkspaceScope workspace) : ICommandHandler<DeleteOAuthClientCommand>
{
    public async ValueTask<Unit> Handle(DeleteOAuthClientCommand command, CancellationToken cancellationToken)
    {
        const string notFound = "OAuth client not found.";
        var id = Ids.ParseOrNotFound<OAuthClientId>(command.Id, notFound);
        var client = await db.OAuthClients.SingleOrDefaultAsync(c => c.Id == id && c.WorkspaceId == workspace.Id, cancellationToken)
            ?? throw DomainException.NotFound(notFound);
        db.OAuthClients.Remove(client);
        audit.Record(AuditActions.OAuthClientDeleted, AuditTarget.Of("oauth_client", client.Id), workspace.Id,
            details: new() { ["client_id"] = client.ClientId, ["name"] = client.Name });
        db.RefreshTokens.RemoveRange(await db.RefreshTokens.Where(t => t.ClientId == client.ClientId).ToListAsync(cancellationToken));
        db.AuthorizationCodes.RemoveRange(await db.AuthorizationCodes.Where(c => c.ClientId == client.ClientId).ToListAsync(cancellationToken));
        return Unit.Value;
    }
}
