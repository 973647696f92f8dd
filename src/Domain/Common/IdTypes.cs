namespace Akua.Domain.Common;

// One line of boilerplate per id type keeps the ids impossible to mix up.
public readonly record struct UserId(Guid Value) : IEntityId<UserId>
{
    public static string Prefix => "usr_";
    public static UserId From(Guid value) => new(value);
    public int CompareTo(UserId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}

public readonly record struct WorkspaceId(Guid Value) : IEntityId<WorkspaceId>
{
    public static string Prefix => "ws_";
    public static WorkspaceId From(Guid value) => new(value);
    public int CompareTo(WorkspaceId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}

public readonly record struct MembershipId(Guid Value) : IEntityId<MembershipId>
{
    public static string Prefix => "wsm_";
    public static MembershipId From(Guid value) => new(value);
    public int CompareTo(MembershipId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}

public readonly record struct ApiTokenId(Guid Value) : IEntityId<ApiTokenId>
{
    public static string Prefix => "tok_";
    public static ApiTokenId From(Guid value) => new(value);
    public int CompareTo(ApiTokenId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}

public readonly record struct SessionId(Guid Value) : IEntityId<SessionId>
{
    public static string Prefix => "ses_";
    public static SessionId From(Guid value) => new(value);
    public int CompareTo(SessionId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}

public readonly record struct DeviceCodeId(Guid Value) : IEntityId<DeviceCodeId>
{
    public static string Prefix => "dev_";
    public static DeviceCodeId From(Guid value) => new(value);
    public int CompareTo(DeviceCodeId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}

public readonly record struct InstallId(Guid Value) : IEntityId<InstallId>
{
    public static string Prefix => "inst_";
    public static InstallId From(Guid value) => new(value);
    public int CompareTo(InstallId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}

public readonly record struct OAuthClientId(Guid Value) : IEntityId<OAuthClientId>
{
    public static string Prefix => "oac_";
    public static OAuthClientId From(Guid value) => new(value);
    public int CompareTo(OAuthClientId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}

public readonly record struct InvitationId(Guid Value) : IEntityId<InvitationId>
{
    public static string Prefix => "inv_";
    public static InvitationId From(Guid value) => new(value);
    public int CompareTo(InvitationId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}

public readonly record struct AuditEventId(Guid Value) : IEntityId<AuditEventId>
{
    public static string Prefix => "evt_";
    public static AuditEventId From(Guid value) => new(value);
    public int CompareTo(AuditEventId other) => Value.CompareTo(other.Value);
    public override string ToString() => EntityId.Format(this);
}
