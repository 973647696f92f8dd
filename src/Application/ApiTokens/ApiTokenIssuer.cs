using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens;

/// <summary>
/// Issues a workspace API token the one way creation and rolling share: never more power than the caller has
/// (rights, and addresses), within the workspace's lifetime policy, <c>created_by</c> the caller.
/// </summary>
internal sealed class ApiTokenIssuer(IApplicationDbContext db, ISecrets secrets, ICurrentPrincipal principal, TimeProvider clock)
{
    public sealed record Issued(ApiToken Token, string Secret);

    public async Task<Issued> IssueAsync(
        WorkspaceScope workspace, string name, WorkspaceRole role, DateTimeOffset? expiresAt, Permission? permissions, AddressAllowlist? allowedIps,
        CancellationToken cancellationToken)
    {
        if (role > workspace.Role)
        {
            throw DomainException.Forbidden($"A {workspace.Role.ToString().ToLowerInvariant()} cannot create a token with the {role.ToString().ToLowerInvariant()} role.");
        }

        // No credential makes a token that can do more than itself (a narrow CI token cannot mint a broad one).
        var wanted = permissions is { } asked ? Permissions.WithImplied(asked) & Permissions.OfRole(role) : Permissions.OfRole(role);
        if ((wanted & ~workspace.Granted) is var beyond and not Permission.None)
        {
            throw DomainException.Forbidden(
                $"This credential cannot create a token with more rights than its own: it does not hold {string.Join(", ", Permissions.Names(beyond))}.",
                AuthorizationCodes.InsufficientPermission);
        }

        principal.Credential?.RequireWithinOwnAddresses(allowedIps, "a token");

        var policy = await db.Workspaces.AsNoTracking().SingleAsync(w => w.Id == workspace.Id, cancellationToken);
        policy.EnsureTokenExpiryAllowed(expiresAt, clock.GetUtcNow());

        var secret = secrets.NewApiToken();
        var token = ApiToken.Issue(workspace.Id, name, role, secret.Hash, secret.Value[..ApiToken.PrefixLength], expiresAt, principal.Credential?.ActorId, clock, permissions, allowedIps);
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
        ["permissions"] = token.PermissionNames ?? "all of its role",
        ["allowed_ips"] = token.AllowedIps ?? "any",
    };
}
