namespace Akua.Application.Common.Abstractions;

/// <summary>
/// OWASP's device cookies: a browser that signed in to an account gets a cookie naming that account. Its later
/// sign-ins to the same account count failures against that device alone, so someone who locks the account by
/// guessing from elsewhere does not lock its owner out (ADR 0018).
/// </summary>
public interface IDeviceCookies
{
    /// <summary>A new cookie value for a client that has just signed in to the account with this normalized email.</summary>
    string Issue(string normalizedEmail);

    /// <summary>The device's id when <paramref name="cookie"/> is a valid, unexpired one issued for this account; else null.</summary>
    string? DeviceFor(string? cookie, string normalizedEmail);
}
