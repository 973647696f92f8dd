using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Akua.Infrastructure.Security;

/// <summary>
/// Device cookies sealed with Data Protection (authenticated encryption, with an expiry): the account's email is
/// inside, unreadable and unforgeable by the client; the device id is random.
/// </summary>
public sealed class DeviceCookies(IDataProtectionProvider protection) : IDeviceCookies
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Akua.DeviceCookies.v1").ToTimeLimitedDataProtector();

    public string Issue(string normalizedEmail) =>
        _protector.Protect($"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}\n{normalizedEmail}", Lifetime);

    public string? DeviceFor(string? cookie, string normalizedEmail)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 1024)
        {
            return null;
        }

        string payload;
        try
        {
            payload = _protector.Unprotect(cookie, out _);
        }
        catch (CryptographicException)
        {
            return null; // tampered, expired, or from another key ring
        }
        catch (FormatException)
        {
            return null;
        }

        var newline = payload.IndexOf('\n', StringComparison.Ordinal);
        return newline > 0 && string.Equals(payload[(newline + 1)..], normalizedEmail, StringComparison.Ordinal) ? payload[..newline] : null;
    }
}
