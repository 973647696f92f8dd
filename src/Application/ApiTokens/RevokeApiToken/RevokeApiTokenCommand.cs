using Akua.Application.Common;

namespace Akua.Application.ApiTokens.RevokeApiToken;

/// <summary>Deletes the token at once and appends it to the revocation feed, so every node refuses it.</summary>
public sealed record RevokeApiTokenCommand(string Id) : ICommand, IWorkspaceRequest, IRevokesCredentials
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.ApiTokensWrite;
}

internal sealed class RevokeApiTokenHandler(IApplicationDbContext db, IAuditTrail audit, WorkspaceScope workspace, TimeProvider clock)
    : ICommandHandler<RevokeApiTokenCommand>
{
    public async ValueTask<Unit> Handle(RevokeApiTokenCommand command, CancellationToken cancellationToken)
    {
        const string notFound = "API token not found.";
        var id = Ids.ParseOrNotFound<ApiTokenId>(command.Id, notFound);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id && t.WorkspaceId == workspace.Id, cancellationToken)
            ?? throw DomainException.NotFound(notFound);
        var revocation = token.Revoke(clock);
        db.ApiTokens.Remove(token);
        db.Revocations.Add(revocation);
        audit.Record(AuditActions.ApiTokenRevoked, AuditTarget.Of("api_token", token.Id), workspace.Id, details: ApiTokenIssuer.Details(token));
        return Unit.Value;
    }
}
