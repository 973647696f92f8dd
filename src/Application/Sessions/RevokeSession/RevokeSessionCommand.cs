using Akua.Application.Common;

namespace Akua.Application.Sessions.RevokeSession;

/// <summary>Ends one of the caller's sessions (another user's looks absent).</summary>
public sealed record RevokeSessionCommand(string Id) : ICommand, IAuthenticatedRequest, IRevokesCredentials
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class RevokeSessionHandler(IApplicationDbContext db, IAuditTrail audit, ICurrentPrincipal principal, TimeProvider clock)
    : ICommandHandler<RevokeSessionCommand>
{
    public async ValueTask<Unit> Handle(RevokeSessionCommand command, CancellationToken cancellationToken)
    {
        var user = principal.RequireUser();
        const string notFound = "Session not found.";
        var id = Ids.ParseOrNotFound<SessionId>(command.Id, notFound);
        var session = await db.Sessions.SingleOrDefaultAsync(s => s.Id == id && s.UserId == user, cancellationToken)
            ?? throw DomainException.NotFound(notFound);
        db.End(session, clock);
        audit.Record(AuditActions.SessionEnded, AuditTarget.Of("session", session.Id), details: new() { ["reason"] = "revoked" });
        return Unit.Value;
    }
}
