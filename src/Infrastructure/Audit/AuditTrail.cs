using Akua.Application.Common.Auditing;
using Akua.Domain.Audit;
using Akua.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.Infrastructure.Audit;

/// <summary>
/// Writes audit events into the request's <see cref="AkuaDbContext"/> (the unit of work commits them with the
/// change), or, for a refusal, through a context of its own.
/// </summary>
internal sealed class AuditTrail(
    AkuaDbContext db, ICurrentPrincipal principal, IRequestClient client, IServiceScopeFactory scopes, TimeProvider clock) : IAuditTrail
{
    public void Record(
        string action,
        AuditTarget target,
        WorkspaceId? workspace = null,
        UserId? account = null,
        Dictionary<string, string?>? details = null,
        AuditActor? actor = null) =>
        db.AuditEvents.Add(Create(action, target, workspace, account, details, actor));

    public async Task RecordRefusalAsync(
        string action,
        AuditTarget target,
        UserId? account,
        Dictionary<string, string?>? details,
        CancellationToken cancellationToken)
    {
        var audit = Create(action, target, null, account, details, AuditActor.Anonymous);
        await using var scope = scopes.CreateAsyncScope();
        var own = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        own.AuditEvents.Add(audit);
        await own.SaveChangesAsync(CancellationToken.None); // the refusal is recorded even when the caller gives up
    }

    private AuditEvent Create(
        string action, AuditTarget target, WorkspaceId? workspace, UserId? account, Dictionary<string, string?>? details, AuditActor? actor)
    {
        var acting = actor ?? ActorOf(principal.Credential);
        var from = client.Current;
        account ??= acting.Kind == ActorKind.User && EntityId.TryParse<UserId>(acting.Id, out var user) ? user : null;
        return AuditEvent.Record(action, acting, target, workspace, account, from.IpAddress, from.UserAgent, details, clock);
    }

    public static AuditActor ActorOf(Credential? credential) => credential switch
    {
        null => AuditActor.Anonymous,
        { Kind: CredentialKind.ApiToken } => new AuditActor(ActorKind.ApiToken, credential.Id, credential.Prefix),
        { UserId: { } user, Kind: CredentialKind.Jwt } => AuditActor.User(user, "jwt", credential.ClientId),
        { UserId: { } user } => AuditActor.User(user, "session"),
        _ => AuditActor.Anonymous,
    };
}
