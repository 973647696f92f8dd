using Akua.Domain.OAuth;

namespace Akua.Application.OAuthClients.RegisterOAuthClient;

/// <summary>Registers an integration in the current workspace (owner or admin).</summary>
/// <param name="Scopes">
/// The scopes it may ask users for (permission names, or <c>api</c>); null for every one but credential
/// management (<see cref="OAuthScopes.CredentialManagement"/>), which it gets only by naming it here.
/// </param>
/// <param name="AllowedIps">The networks its access tokens may be used from; null for any address.</param>
public sealed record RegisterOAuthClientCommand(
    string Name, IReadOnlyList<string> RedirectUris, OAuthClientType Type, IReadOnlyList<string>? Scopes = null, IReadOnlyList<string>? AllowedIps = null)
    : ICommand<RegisteredOAuthClientResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.OAuthClientsWrite;
}

internal sealed class RegisterOAuthClientHandler(
    IApplicationDbContext db, IAuditTrail audit, ISecrets secrets, ICurrentPrincipal principal, WorkspaceScope workspace, IMapper mapper, TimeProvider clock)
    : ICommandHandler<RegisterOAuthClientCommand, RegisteredOAuthClientResponse>
{
    public ValueTask<RegisteredOAuthClientResponse> Handle(RegisterOAuthClientCommand command, CancellationToken cancellationToken)
    {
        // No credential registers an integration that may ask for more than the credential holds, or that may be
        // used from more places than it may: registering a client is no way around one's own limits.
        var scopes = OAuthScopes.ClientDefault & workspace.Granted;
        if (command.Scopes is { } names)
        {
            OAuthScopes.TryParse(string.Join(' ', names), out var asked, out _); // the validator named any unknown one
            if ((asked & ~workspace.Granted) is var beyond and not Permission.None)
            {
                throw DomainException.Forbidden(
                    $"This credential cannot register an integration for {string.Join(", ", Permissions.Names(beyond))}, which it does not hold.",
                    AuthorizationCodes.InsufficientPermission);
            }

            scopes = asked;
        }

        var allowed = command.AllowedIps is { } networks ? AddressAllowlist.Parse(networks) : null;
        principal.Credential?.RequireWithinOwnAddresses(allowed, "an integration");

        var secret = command.Type == OAuthClientType.Confidential ? secrets.NewClientSecret() : (NewSecret?)null;
        var client = OAuthClient.Register(workspace.Id, secrets.NewClientId(), command.Name, command.Type, command.RedirectUris, secret?.Hash, clock, scopes, allowed);
        db.OAuthClients.Add(client);
        audit.Record(AuditActions.OAuthClientRegistered, AuditTarget.Of("oauth_client", client.Id), workspace.Id,
            details: new() { ["client_id"] = client.ClientId, ["name"] = client.Name, ["type"] = command.Type.ToString().ToLowerInvariant(), ["scopes"] = client.ScopeNames, ["allowed_ips"] = client.AllowedIps ?? "any" });
        return ValueTask.FromResult(mapper.Map<OAuthClient, RegisteredOAuthClientResponse>(client, RegisteredOAuthClientResponse.SecretParameter, secret?.Value));
    }
}
