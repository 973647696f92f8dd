using Akua.Application.Common;
using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens.RollApiToken;

/// <summary>
/// Replaces a token with a new one of the same name, role and workspace (shown once), and lets the old one work
/// for <paramref name="ExpiresIn"/> seconds more (0 to 7 days, default 24 hours) so a deployment can switch over.
/// Every node learns the old token's new expiry before this answers (the revocation barrier).
/// </summary>
/// <param name="ExpiresAt">The new token's expiry (Unix seconds); by default it lives as long as the old one did.</param>
public sealed record RollApiTokenCommand(string Id, long? ExpiresIn, long? ExpiresAt)
    : ICommand<CreatedApiTokenResponse>, IWorkspaceRequest, IRevokesCredentials
{
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromHours(24);

    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
    public static Permission Permission => Permission.ApiTokensWrite;
}

internal sealed class RollApiTokenHandler(
    IApplicationDbContext db, ApiTokenIssuer issuer, IAuditTrail audit, WorkspaceScope workspace, IMapper mapper, TimeProvider clock)
    : ICommandHandler<RollApiTokenCommand, CreatedApiTokenResponse>
{
    public async ValueTask<CreatedApiTokenResponse> Handle(RollApiTokenCommand command, CancellationToken cancellationToken)
    {
        const string notFound = "API token not found.";
        var id = Ids.ParseOrNotFound<ApiTokenId>(command.Id, notFound);
        var old = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id && t.WorkspaceId == workspace.Id, cancellationToken)
            ?? throw DomainException.NotFound(notFound);

        var now = clock.GetUtcNow();
        DateTimeOffset? expiresAt = command.ExpiresAt is { } at ? DateTimeOffset.FromUnixTimeSeconds(at)
            : old.ExpiresAt is { } expiry ? now + (expiry - old.CreatedAt) // the same lifetime as the token it replaces
            : null;
        // The same rights and addresses as the token it replaces (and the caller must hold them all).
        Permission? permissions = old.PermissionNames is null ? null : old.Effective;
        var issued = await issuer.IssueAsync(workspace, old.Name, old.Role, expiresAt, permissions, old.AllowedAddresses, cancellationToken);
        var overlap = command.ExpiresIn is { } seconds ? TimeSpan.FromSeconds(seconds) : RollApiTokenCommand.DefaultOverlap;
        db.Revocations.Add(old.RollTo(issued.Token, overlap, clock));

        // The event is about the old token (its target); the details name the token that replaced it.
        var details = ApiTokenIssuer.Details(old);
        details["replaced_by"] = issued.Token.Id.ToString();
        details["new_prefix"] = issued.Token.Prefix;
        details["new_expires_at"] = issued.Token.ExpiresAt?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        audit.Record(AuditActions.ApiTokenRolled, AuditTarget.Of("api_token", old.Id), workspace.Id, details: details);
        return mapper.Map<ApiToken, CreatedApiTokenResponse>(issued.Token, CreatedApiTokenResponse.TokenParameter, issued.Secret);
    }
}
