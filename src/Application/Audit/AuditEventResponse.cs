using Mapster;

namespace Akua.Application.Audit;

/// <param name="Kind"><c>user</c>, <c>api_token</c>, <c>anonymous</c> or <c>system</c>.</param>
/// <param name="Id">A <c>usr_</c> or <c>tok_</c> id, or the system's name (<c>github_secret_scanning</c>).</param>
/// <param name="TokenPrefix">An API token's display prefix, never more of it.</param>
/// <param name="Credential">How a user called: <c>session</c>, <c>jwt</c>, <c>password</c> or <c>device_code</c>.</param>
/// <param name="ClientId">The OAuth client involved.</param>
public sealed record AuditActorResponse(string Kind, string? Id, string? TokenPrefix, string? Credential, string? ClientId);

public sealed record AuditTargetResponse(string Type, string? Id);

/// <summary>One entry of the audit log: who did what to which thing, from where, and when.</summary>
/// <param name="Details">Words and ids that say more (a role before and after, where a token leaked); never a secret.</param>
public sealed record AuditEventResponse(
    string Id,
    string Action,
    AuditActorResponse Actor,
    AuditTargetResponse Target,
    string? WorkspaceId,
    string? IpAddress,
    string? UserAgent,
    long CreatedAt,
    IReadOnlyDictionary<string, string?> Details);

internal sealed class AuditEventMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<AuditEvent, AuditActorResponse>()
            .Map(d => d.Kind, s => s.ActorKindName)
            .Map(d => d.Id, s => s.ActorId)
            .Map(d => d.TokenPrefix, s => s.ActorTokenPrefix)
            .Map(d => d.Credential, s => s.ActorCredential)
            .Map(d => d.ClientId, s => s.ActorClientId);
        config.NewConfig<AuditEvent, AuditTargetResponse>()
            .Map(d => d.Type, s => s.TargetType)
            .Map(d => d.Id, s => s.TargetId);
        config.NewConfig<AuditEvent, AuditEventResponse>()
            .Map(d => d.Actor, s => s)
            .Map(d => d.Target, s => s)
            .Map(d => d.Details, s => s.DetailValues);
    }
}
