namespace Akua.Domain.Audit;

/// <summary>
/// Every action the audit log records: <c>&lt;thing&gt;.&lt;what happened&gt;</c>. A new security-relevant use case
/// adds its action here (an architecture test makes each command handler record one, or be listed as not
/// security-relevant).
/// </summary>
public static class AuditActions
{
    public const string UserSignedUp = "user.signed_up";
    public const string UserSignedIn = "user.signed_in";
    public const string UserSignInFailed = "user.sign_in_failed";

    public const string SessionCreated = "session.created";
    public const string SessionEnded = "session.ended";

    public const string ApiTokenCreated = "api_token.created";
    public const string ApiTokenRolled = "api_token.rolled";
    public const string ApiTokenRevoked = "api_token.revoked";
    public const string ApiTokenLeaked = "api_token.leaked";

    public const string MemberInvited = "member.invited";
    public const string InvitationRevoked = "member.invitation_revoked";
    public const string InvitationDeclined = "member.invitation_declined";
    public const string MemberJoined = "member.joined";
    public const string MemberRoleChanged = "member.role_changed";
    public const string MemberRemoved = "member.removed";

    public const string OAuthClientRegistered = "oauth_client.registered";
    public const string OAuthClientDeleted = "oauth_client.deleted";

    public const string GrantIssued = "oauth_grant.issued";
    public const string GrantDenied = "oauth_grant.denied";
    public const string GrantRevoked = "oauth_grant.revoked";
    public const string GrantReuseDetected = "oauth_grant.reuse_detected";

    public const string DeviceLoginApproved = "device_login.approved";
    public const string DeviceLoginDenied = "device_login.denied";

    public const string WorkspaceCreated = "workspace.created";
    public const string WorkspaceUpdated = "workspace.updated";
    public const string WorkspacePolicyChanged = "workspace.policy_changed";

    public static IReadOnlySet<string> All { get; } = typeof(AuditActions)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    public static bool IsKnown(string action) => All.Contains(action);
}
