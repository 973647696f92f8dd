using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens.CreateApiToken;

/// <param name="ExpiresAt">Unix seconds, or null for a token that does not expire.</param>
/// <param name="Role">admin (default) or member; never more than the caller has.</param>
public sealed record CreateApiTokenCommand(string Name, long? ExpiresAt, WorkspaceRole? Role)
    : ICommand<CreatedApiTokenResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class CreateApiTokenHandler(
    IApplicationDbContext db,
    ISecrets secrets,
    WorkspaceScope workspace,
    IMapper mapper,
    TimeProvider clock) : ICommandHandler<CreateApiTokenCommand, CreatedApiTokenResponse>
{
    public ValueTask<CreatedApiTokenResponse> Handle(CreateApiTokenCommand command, CancellationToken cancellationToken)
    {
        var role = command.Role ?? WorkspaceRole.Admin;
        if (role > workspace.Role)
        {
            throw DomainException.Forbidden($"A {workspace.Role.ToString().ToLowerInvariant()} cannot create a token with the {role.ToString().ToLowerInvariant()} role.");
        }

        var secret = secrets.NewApiToken();
        var expiresAt = command.ExpiresAt is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        var token = ApiToken.Issue(workspace.Id, command.Name, role, secret.Hash, secret.Value[..ApiToken.PrefixLength], expiresAt, clock);
        db.ApiTokens.Add(token);

        return ValueTask.FromResult(mapper.Map<ApiToken, CreatedApiTokenResponse>(token, CreatedApiTokenResponse.TokenParameter, secret.Value));
    }
}
