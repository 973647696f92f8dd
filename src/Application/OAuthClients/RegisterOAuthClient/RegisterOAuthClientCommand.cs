using Akua.Domain.OAuth;

namespace Akua.Application.OAuthClients.RegisterOAuthClient;

/// <summary>Registers an integration in the current workspace (owner or admin).</summary>
public sealed record RegisterOAuthClientCommand(string Name, IReadOnlyList<string> RedirectUris, OAuthClientType Type)
    : ICommand<RegisteredOAuthClientResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.OAuthClientsWrite;
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class RegisterOAuthClientHandler(IApplicationDbContext db, IAuditTrail audit, ISecrets secrets, WorkspaceScope workspace, IMapper mapper, TimeProvider clock)
    : ICommandHandler<RegisterOAuthClientCommand, RegisteredOAuthClientResponse>
{
    public ValueTask<RegisteredOAuthClientResponse> Handle(RegisterOAuthClientCommand command, CancellationToken cancellationToken)
    {
        var secret = command.Type == OAuthClientType.Confidential ? secrets.NewClientSecret() : (NewSecret?)null;
        var client = OAuthClient.Register(workspace.Id, secrets.NewClientId(), command.Name, command.Type, command.RedirectUris, secret?.Hash, clock);
        db.OAuthClients.Add(client);
        audit.Record(AuditActions.OAuthClientRegistered, AuditTarget.Of("oauth_client", client.Id), workspace.Id,
            details: new() { ["client_id"] = client.ClientId, ["name"] = client.Name, ["type"] = command.Type.ToString().ToLowerInvariant() });
        return ValueTask.FromResult(mapper.Map<OAuthClient, RegisteredOAuthClientResponse>(client, RegisteredOAuthClientResponse.SecretParameter, secret?.Value));
    }
}
