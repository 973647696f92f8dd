using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens.CreateApiToken;

/// <param name="ExpiresAt">Unix seconds, or null for a token that does not expire (if the workspace's policy allows).</param>
/// <param name="Role">admin (default) or member; never more than the caller has.</param>
/// <param name="Permissions">
/// What the token may do (<c>installs:write</c>, ...), within its role and the caller's own rights; null for
/// everything its role allows.
/// </param>
/// <param name="AllowedIps">The networks it may be used from (CIDR; a bare address is one host); null for any address.</param>
public sealed record CreateApiTokenCommand(string Name, long? ExpiresAt, WorkspaceRole? Role, IReadOnlyList<string>? Permissions = null, IReadOnlyList<string>? AllowedIps = null)
    : ICommand<CreatedApiTokenResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.ApiTokensWrite;
}

internal sealed class CreateApiTokenHandler(ApiTokenIssuer issuer, IAuditTrail audit, WorkspaceScope workspace, IMapper mapper)
    : ICommandHandler<CreateApiTokenCommand, CreatedApiTokenResponse>
{
    public async ValueTask<CreatedApiTokenResponse> Handle(CreateApiTokenCommand command, CancellationToken cancellationToken)
    {
        var expiresAt = command.ExpiresAt is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        Permission? permissions = command.Permissions is { } names
            ? names.Aggregate(Permission.None, (set, name) => set | (Akua.Domain.Workspaces.Permissions.TryParse(name, out var p) ? p : Permission.None))
            : null; // the validator refused unknown names
        var allowed = command.AllowedIps is { } networks ? AddressAllowlist.Parse(networks) : null;
        var issued = await issuer.IssueAsync(workspace, command.Name, command.Role ?? WorkspaceRole.Admin, expiresAt, permissions, allowed, cancellationToken);
        audit.Record(AuditActions.ApiTokenCreated, AuditTarget.Of("api_token", issued.Token.Id), workspace.Id, details: ApiTokenIssuer.Details(issued.Token));
        return mapper.Map<ApiToken, CreatedApiTokenResponse>(issued.Token, CreatedApiTokenResponse.TokenParameter, issued.Secret);
    }
}
