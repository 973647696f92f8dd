using Akua.Domain.Sessions;

namespace Akua.Application.Sessions;

internal static class SessionRevocation
{
    /// <summary>Deletes the session and appends it to the revocation feed, so every node refuses it at once.</summary>
    public static void End(this IApplicationDbContext db, Session session, TimeProvider clock)
    {
        db.Revocations.Add(session.Revoke(clock));
        db.Sessions.Remove(session);
    }
}
