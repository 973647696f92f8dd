using Akua.Domain.DeviceCodes;

namespace Akua.Application.DeviceAuthorization;

/// <summary>The device login's settings (<c>DeviceAuthorization:*</c>).</summary>
public sealed class DeviceAuthorizationOptions
{
    /// <summary>How long a user has to approve a device login (RFC 8628's <c>expires_in</c>): 15 minutes, at most an hour.</summary>
    public TimeSpan CodeLifetime { get; set; } = DeviceCode.DefaultLifetime;
}
