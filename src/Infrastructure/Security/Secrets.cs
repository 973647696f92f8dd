using System.Security.Cryptography;
using System.Text;
using Akua.Domain.DeviceCodes;
using Akua.Infrastructure.Credentials;

namespace Akua.Infrastructure.Security;

/// <summary>
/// Generates every bearer secret from the OS's CSPRNG and hashes it with SHA-256 for storage (ADR-0004:
/// the secrets carry 150+ bits of entropy, so a fast unsalted hash is the right tool; no pepper to share).
/// </summary>
public sealed class Secrets : ISecrets
{
    public NewSecret NewSessionToken() => Issue(RandomNumberGenerator.GetString(TokenFormat.Base62, TokenFormat.SessionTokenLength));

    public NewSecret NewApiToken() => Issue(TokenFormat.WithChecksum(
        TokenFormat.ApiTokenPrefix + RandomNumberGenerator.GetString(TokenFormat.Base62, TokenFormat.ApiTokenRandomLength)));

    public NewSecret NewDeviceCode() => Issue(Base64UrlEncode(RandomNumberGenerator.GetBytes(32)));

    public string NewUserCode() => RandomNumberGenerator.GetString(DeviceCode.UserCodeAlphabet, DeviceCode.UserCodeLength);

    public string NewClientId() => "akua_" + RandomNumberGenerator.GetString(TokenFormat.Base62, 24);

    public NewSecret NewClientSecret() => Issue("akcs_" + RandomNumberGenerator.GetString(TokenFormat.Base62, 40));

    public NewSecret NewAuthorizationCode() => Issue(Base64UrlEncode(RandomNumberGenerator.GetBytes(32)));

    public NewSecret NewRefreshToken() => Issue("akrt_" + RandomNumberGenerator.GetString(TokenFormat.Base62, 43));

    public NewSecret NewInvitationCode() => Issue("akinv_" + RandomNumberGenerator.GetString(TokenFormat.Base62, 32));

    public byte[] Hash(string secret) => HashOf(secret);

    public bool IsApiToken(string candidate) => TokenFormat.Classify(candidate) == CredentialKind.ApiToken; // shape and checksum

    public static byte[] HashOf(ReadOnlySpan<char> secret)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        return SHA256.HashData(utf8[..length]);
    }

    private static NewSecret Issue(string value) => new(value, HashOf(value));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
