using System.Reflection;

namespace Akua.Application.Common.Behaviors;

/// <summary>
/// The one place where credentials meet requests: it reads what the request declares, resolves the workspace
/// (API.md section 4) and checks the role (section 5). A request that declares nothing is refused: fail closed.
/// Runs before validation, so an unauthorized caller learns nothing from validation messages.
/// </summary>
internal sealed class AuthorizationBehavior<TMessage, TResponse>(ICurrentPrincipal principal, Deferred<WorkspaceScope> scope, Deferred<IMembershipRoles> memberships)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly Requirement Required = Requirement.Of(typeof(TMessage));

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        switch (Required.Kind)
        {
            case RequirementKind.Anonymous:
                break;
            case RequirementKind.Authenticated:
                RefuseIntegrationUnlessAllowed(RequireCredential());
                break;
            case RequirementKind.Workspace:
                var credential = RequireCredential();
                var (workspace, role) = await ResolveWorkspaceAsync(credential, message, cancellationToken);
                if (role < Required.MinimumRole)
                {
                    throw DomainException.Forbidden($"This needs the {Required.MinimumRole.ToString().ToLowerInvariant()} role in the workspace; you have {role.ToString().ToLowerInvariant()}.");
                }

                // What the credential may do here: its role's rights, narrowed by a token's permissions or a JWT's
                // scope (an integration reaches credential management only through a scope its client was
                // registered for and its user approved).
                var granted = Permissions.OfRole(role) & (credential.Permissions ?? Permissions.Everything);
                if (credential.Kind == CredentialKind.Jwt && credential.ClientWorkspaceId != workspace)
                {
                    // Credential management was granted for the client's own workspace, whose admins registered it
                    // for that; an owner elsewhere who approves it must not hand over theirs by one click.
                    granted &= ~Akua.Domain.OAuth.OAuthScopes.CredentialManagement;
                }

                if ((granted & Required.Permission) == 0)
                {
                    var needed = Permissions.NameOf(Required.Permission);
                    var why = credential.Kind == CredentialKind.Jwt && (Permissions.OfRole(role) & (credential.Permissions ?? Permission.None) & Required.Permission) != 0
                        ? "which an integration holds only in the workspace that registered it"
                        : "which this credential does not hold";
                    throw DomainException.Forbidden($"This needs the {needed} permission, {why}.", AuthorizationCodes.InsufficientPermission);
                }

                // Resolved here only: a request outside any workspace does not even create the scope.
                scope.Value.Set(workspace, role, granted);
                break;
            default:
                throw new InvalidOperationException($"{typeof(TMessage).Name} declares no authorization requirement.");
        }

        return await next(message, cancellationToken);
    }

    private Credential RequireCredential() =>
        principal.Credential ?? throw DomainException.Unauthorized("A valid bearer token is required.");

    /// <summary>
    /// Outside workspaces an integration acts for its user only where the request says it may; in a workspace its
    /// scope decides, like a token's permissions.
    /// </summary>
    private static void RefuseIntegrationUnlessAllowed(Credential credential)
    {
        if (credential.Kind != CredentialKind.Jwt || Required.Integrations == IntegrationAccess.Allowed)
        {
            return;
        }

        if (Required.Integrations == IntegrationAccess.AllowedWithWorkspaceWrite)
        {
            if (((credential.Permissions ?? Permission.None) & Permission.WorkspaceWrite) == 0)
            {
                throw DomainException.Forbidden("This needs the workspace:write permission, which this integration's scope does not hold.", AuthorizationCodes.InsufficientPermission);
            }

            return;
        }

        throw DomainException.Forbidden(IntegrationRefusal);
    }

    /// <summary>The 403's message: why, and what to use instead.</summary>
    public const string IntegrationRefusal =
        "An integration's OAuth access token cannot approve sign-ins, answer invitations or see or end sessions: use your own session (cnap auth login).";

    private async Task<(WorkspaceId Workspace, WorkspaceRole Role)> ResolveWorkspaceAsync(Credential credential, TMessage message, CancellationToken cancellationToken)
    {
        if (message is ITargetsWorkspace target)
        {
            // The route names the workspace: one the caller cannot see simply does not exist for it.
            var notFound = DomainException.NotFound("Workspace not found.");
            if (!EntityId.TryParse<WorkspaceId>(target.WorkspaceId, out var routed))
            {
                throw notFound;
            }

            if (credential.WorkspaceId is { } bound)
            {
                return bound == routed ? (bound, credential.TokenRole!.Value) : throw notFound;
            }

            return (routed, await MembershipRoleAsync(credential, routed, cancellationToken) ?? throw notFound);
        }

        var header = principal.RequestedWorkspace;
        if (header is not null && !WorkspaceContextHeader.IsWellFormed(header))
        {
            throw DomainException.BadRequest("The Akua-Context header must be a workspace id (ws_...).");
        }

        if (credential.WorkspaceId is { } tokenWorkspace)
        {
            if (header is not null && header != tokenWorkspace.ToString())
            {
                throw DomainException.Forbidden("This token belongs to another workspace than the one Akua-Context names.");
            }

            return (tokenWorkspace, credential.TokenRole!.Value);
        }

        if (header is null)
        {
            throw DomainException.Forbidden("This endpoint acts on a workspace: name it with the Akua-Context header.");
        }

        // Not a member and no such workspace get the same answer.
        var forbidden = DomainException.Forbidden("You are not a member of the workspace that Akua-Context names.");
        if (!EntityId.TryParse<WorkspaceId>(header, out var requested))
        {
            throw forbidden;
        }

        return (requested, await MembershipRoleAsync(credential, requested, cancellationToken) ?? throw forbidden);
    }

    private ValueTask<WorkspaceRole?> MembershipRoleAsync(Credential credential, WorkspaceId workspace, CancellationToken cancellationToken)
    {
        var user = credential.UserId ?? throw DomainException.Forbidden("This credential belongs to no user.");
        // Resolved only here: a workspace token's request, and any request that is not a workspace one, reads nothing.
        return memberships.Value.RoleAsync(user, workspace, cancellationToken);
    }

    private enum RequirementKind
    {
        Undeclared,
        Anonymous,
        Authenticated,
        Workspace,
    }

    private sealed record Requirement(RequirementKind Kind, WorkspaceRole MinimumRole, IntegrationAccess Integrations, Permission Permission = Permission.None)
    {
        public static Requirement Of(Type request)
        {
            if (typeof(IWorkspaceRequest).IsAssignableFrom(request))
            {
                return new(RequirementKind.Workspace, Declared<WorkspaceRole>(request, nameof(IWorkspaceRequest.MinimumRole)), IntegrationAccess.Allowed,
                    Declared<Permission>(request, nameof(IWorkspaceRequest.Permission)));
            }

            if (typeof(IAuthenticatedRequest).IsAssignableFrom(request))
            {
                return new(RequirementKind.Authenticated, default, IntegrationsOf(request));
            }

            return typeof(IAnonymousRequest).IsAssignableFrom(request)
                ? new(RequirementKind.Anonymous, default, IntegrationAccess.Refused)
                : new(RequirementKind.Undeclared, default, IntegrationAccess.Refused);
        }

        private static IntegrationAccess IntegrationsOf(Type request) => Declared<IntegrationAccess>(request, nameof(IAuthenticatedRequest.Integrations));

        // Static abstract members are read once per request type (this record is cached in a static field).
        private static T Declared<T>(Type request, string name) =>
            (T)request.GetProperty(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }
}
