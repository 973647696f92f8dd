using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens.CreateApiToken;

/// <param name="ExpiresAt">Unix seconds, or null for a token that does not expire (if the workspace's policy allows).</param>
/// <param name="Role">admin (default) or member; never more than the caller has.</param>
public sealed record CreateApiTokenCommand(string Name, long? ExpiresAt, WorkspaceRole? Role)
    : ICommand<CreatedApiTokenResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class CreateApiTokenHandler(ApiTokenIssuer issuer, IAuditTrail audit, WorkspaceScope workspace, IMapper mapper)
    : ICommandHandler<CreateApiTokenCommand, CreatedApiTokenResponse>
{
    public async ValueTask<CreatedApiTokenResponse> Handle(CreateApiTokenCommand command, CancellationToken cancellationToken)
    {
        var expiresAt = command.ExpiresAt is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        var issued = await issuer.IssueAsync(workspace, command.Name, command.Role ?? WorkspaceRole.Admin, expiresAt, cancellationToken);
        audit.Record(AuditActions.ApiTokenCreated, AuditTarget.Of("api_token", issued.Token.Id), workspace.Id, details: ApiTokenIssuer.Details(issued.Token));
        return mapper.Map<ApiToken, CreatedApiTokenResponse>(issued.Token, CreatedApiTokenResponse.TokenParameter, issued.Secret);
    }
}
