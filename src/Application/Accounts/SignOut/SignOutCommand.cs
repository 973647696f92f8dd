using Akua.Application.Sessions;

namespace Akua.Application.Accounts.SignOut;

/// <summary>Ends the session making this request, at once.</summary>
public sealed record SignOutCommand : ICommand, IAuthenticatedRequest, IRevokesCredentials
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class SignOutHandler(IApplicationDbContext db, IAuditTrail audit, ICurrentPrincipal principal, TimeProvider clock) : ICommandHandler<SignOutCommand>
{
    public async ValueTask<Unit> Handle(SignOutCommand command, CancellationToken cancellationToken)
    {
        var credential = principal.RequireCredential();
        if (credential.Kind != CredentialKind.Session || !EntityId.TryParse<SessionId>(credential.Id, out var id))
        {
            throw DomainException.Forbidden("Only a session can sign out; revoke other tokens instead.");
        }

        var session = await db.Sessions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken)
            ?? throw DomainException.Unauthorized("The session has already ended.");
        db.End(session, clock);
        audit.Record(AuditActions.SessionEnded, AuditTarget.Of("session", session.Id), details: new() { ["reason"] = "signed_out" });
        return Unit.Value;
    }
}
