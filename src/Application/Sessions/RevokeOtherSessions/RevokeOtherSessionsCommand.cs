namespace Akua.Application.Sessions.RevokeOtherSessions;

/// <summary>Ends every session of the caller except the one making this request.</summary>
public sealed record RevokeOtherSessionsCommand : ICommand, IAuthenticatedRequest, IRevokesCredentials
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class RevokeOtherSessionsHandler(IApplicationDbContext db, IAuditTrail audit, ICurrentPrincipal principal, TimeProvider clock)
    : ICommandHandler<RevokeOtherSessionsCommand>
{
    public async ValueTask<Unit> Handle(RevokeOtherSessionsCommand command, CancellationToken cancellationToken)
    {
        var user = principal.RequireUser();
        var current = principal.Credential!.Kind == CredentialKind.Session ? principal.Credential.Id : null;
        var sessions = await db.Sessions.Where(s => s.UserId == user).ToListAsync(cancellationToken);
        foreach (var session in sessions.Where(s => s.Id.ToString() != current))
        {
            db.End(session, clock);
            audit.Record(AuditActions.SessionEnded, AuditTarget.Of("session", session.Id), details: new() { ["reason"] = "revoked_with_others" });
        }

        return Unit.Value;
    }
}
