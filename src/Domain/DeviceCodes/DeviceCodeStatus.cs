namespace Akua.Domain.DeviceCodes;

public enum DeviceCodeStatus
{
    Pending,
    Approved,
    Denied,
    /// <summary>Exchanged for a session; a code is exchanged once.</summary>
    Consumed,
}

/// <summary>What one poll of the token endpoint learns (RFC 8628 section 3.5).</summary>
public enum DevicePollOutcome
{
    AuthorizationPending,
    SlowDown,
    AccessDenied,
    ExpiredToken,
    /// <summary>Approved and not yet exchanged: the caller may now <see cref="DeviceCode.Consume"/> it.</summary>
    Approved,
    AlreadyUsed,
}
