using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens;

/// <summary>
/// Issues a workspace API token the one way creation and rolling share: never more power than the caller has,
/// within the workspace's lifetime policy, <c>created_by</c> the caller.
/// </summary>
internal sealed class ApiTokenIssuer(IApplicationDbContext db, ISecrets secrets, ICurrentPrincipal principal, TimeProvider clock)
{
    public sealed record Issued(ApiToken Token, string Secret);

    public async Task<Issued> IssueAsync(
        WorkspaceScope workspace, string name, WorkspaceRole role, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        if (role > workspace.Role)
        {
            throw DomainException.Forbidden($"A {workspace.Role.ToString().ToLowerInvariant()} cannot create a token with the {role.ToString().ToLowerInvariant()} role.");
        }

        var policy = await db.Workspaces.AsNoTracking().SingleAsync(w => w.Id == workspace.Id, cancellationToken);
        policy.EnsureTokenExpiryAllowed(expiresAt, clock.GetUtcNow());

        var secret = secrets.NewApiToken();
        var token = ApiToken.Issue(workspace.Id, name, role, secret.Hash, secret.Value[..ApiToken.PrefixLength], expiresAt, principal.Credential?.ActorId, clock);
        db.ApiTokens.Add(token);
        return new Issued(token, secret.Value);
    }

    /// <summary>What the audit log says of a token: its name, prefix, role and expiry, never the token.</summary>
    public static Dictionary<string, string?> Details(ApiToken token) => new()
    {
        ["name"] = token.Name,
        ["prefix"] = token.Prefix,
        ["role"] = token.Role.ToString().ToLowerInvariant(),
        ["expires_at"] = token.ExpiresAt?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
