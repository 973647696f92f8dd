
namespace Akua.Application.Common.Auditing;

/// <summary>
/// The audit log, as use cases write it. <see cref="Record"/> adds the event to the request's unit of work, so it
/// commits with the change it describes or not at all; the actor, the client address and the user agent come
/// from the request. Never pass a secret in <c>details</c>.
/// </summary>
public interface IAuditTrail
{
    /// <param name="workspace">The workspace the change happened in (null for an account's own events).</param>
    /// <param name="account">
    /// The account the event belongs to, when it is not the acting user (a failed sign-in to it, a member removed
    /// from a workspace); by default the acting user's.
    /// </param>
    /// <param name="actor">Who acted, when the request's credential does not say (a sign-in, a grant).</param>
    void Record(
        string action,
        AuditTarget target,
        WorkspaceId? workspace = null,
        UserId? account = null,
        Dictionary<string, string?>? details = null,
        AuditActor? actor = null);

    /// <summary>
    /// For an attempt that is refused and so changes nothing (a failed sign-in): the event is written at once, in a
    /// transaction of its own, because the request's own unit of work will not commit.
    /// </summary>
    Task RecordRefusalAsync(
        string action,
        AuditTarget target,
        UserId? account,
        Dictionary<string, string?>? details,
        CancellationToken cancellationToken);
}

/// <summary>The address and user agent of the request being served (after trusted proxies), for the audit log.</summary>
public interface IRequestClient
{
    ClientContext Current { get; }
}
