using Akua.Application.OAuth.DescribeAuthorization;
using Akua.Domain.OAuth;

namespace Akua.Application.OAuth.DecideAuthorization;

/// <summary>The signed-in user grants or refuses the application; the answer is where to send the browser.</summary>
public sealed record DecideAuthorizationCommand(AuthorizationRequest Request, bool Approve) : ICommand<string>, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class DecideAuthorizationHandler(IApplicationDbContext db, IAuditTrail audit, ICurrentPrincipal principal, ISecrets secrets, IIssuer issuer, TimeProvider clock)
    : ICommandHandler<DecideAuthorizationCommand, string>
{
    public async ValueTask<string> Handle(DecideAuthorizationCommand command, CancellationToken cancellationToken)
    {
        var user = principal.RequireUser();
        var request = command.Request;
        var (client, _) = await AuthorizationChecks.ClientAndRedirectAsync(db, request, cancellationToken);
        if (AuthorizationChecks.RedirectError(request, client, issuer.Issuer, out var granted) is { } error)
        {
            return error;
        }

        var scope = granted.Text;
        audit.Record(command.Approve ? AuditActions.GrantIssued : AuditActions.GrantDenied, AuditTarget.Of("oauth_client", client.Id), client.WorkspaceId,
            details: new() { ["client_id"] = client.ClientId, ["name"] = client.Name, ["scope"] = scope });
        if (!command.Approve)
        {
            return AuthorizationChecks.Redirect(request, issuer.Issuer, [("error", "access_denied"), ("error_description", "The user refused.")]);
        }

        var code = secrets.NewAuthorizationCode();
        db.AuthorizationCodes.Add(AuthorizationCode.Issue(
            code.Hash, client.ClientId, user, request.RedirectUri!, scope, request.CodeChallenge!, clock));
        return AuthorizationChecks.Redirect(request, issuer.Issuer, [("code", code.Value)]);
    }
}
