using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace Akua.Infrastructure.Credentials;

/// <summary>
/// The shapes of bearer tokens (API.md section 3). Deciding the kind, and rejecting a workspace API token
/// whose checksum is wrong, costs no I/O and no allocation. A token's shape is its <see cref="CredentialKind"/>:
/// there is no second enum for it.
/// </summary>
public static class TokenFormat
{
    public const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    public const string ApiTokenPrefix = "sk_akua_";
    public const int SessionTokenLength = 32;
    public const int ApiTokenRandomLength = 26;
    public const int ChecksumLength = 6;
    public const int ApiTokenLength = 8 + ApiTokenRandomLength + ChecksumLength; // 40
    public const int DisplayPrefixLength = 12;

    /// <summary>Longer than any JWT this server signs; anything longer is malformed before it is parsed.</summary>
    public const int MaxJwtLength = 4096;

    /// <summary>The kind of credential a bearer token's shape says it is, or null when it is malformed.</summary>
    public static CredentialKind? Classify(ReadOnlySpan<char> token)
    {
        if (token.Length == SessionTokenLength && IsBase62(token))
        {
            return CredentialKind.Session;
        }

        if (token.Length == ApiTokenLength && token.StartsWith(ApiTokenPrefix, StringComparison.Ordinal))
        {
            return IsBase62(token[ApiTokenPrefix.Length..]) && HasValidChecksum(token) ? CredentialKind.ApiToken : null;
        }

        if (token.Length <= MaxJwtLength && token.StartsWith("eyJ", StringComparison.Ordinal) && IsJwtShaped(token))
        {
            return CredentialKind.Jwt;
        }

        return null;
    }

    /// <summary>Appends the CRC32 checksum (base62, 6 characters) to the first 34 characters of an API token.</summary>
    public static string WithChecksum(string body)
    {
        if (body.Length != ApiTokenPrefix.Length + ApiTokenRandomLength)
        {
            throw new ArgumentException("An API token body is 34 characters.", nameof(body));
        }

        Span<char> checksum = stackalloc char[ChecksumLength];
        WriteChecksum(body, checksum);
        return string.Concat(body, checksum);
    }

    public static bool HasValidChecksum(ReadOnlySpan<char> token)
    {
        if (token.Length != ApiTokenLength)
        {
            return false;
        }

        Span<char> expected = stackalloc char[ChecksumLength];
        WriteChecksum(token[..^ChecksumLength], expected);
        return token[^ChecksumLength..].SequenceEqual(expected);
    }

    private static void WriteChecksum(ReadOnlySpan<char> body, Span<char> destination)
    {
        Span<byte> ascii = stackalloc byte[body.Length];
        Encoding.ASCII.GetBytes(body, ascii);
        ulong value = Crc32.HashToUInt32(ascii);
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Base62[(int)(value % 62)];
            value /= 62;
        }
    }

    private static readonly SearchValues<char> Base62Chars = SearchValues.Create(Base62);

    private static readonly SearchValues<char> JwtChars = SearchValues.Create(Base62 + "-_.");

    // Vectorized: a ~600-character JWT is checked in tens of nanoseconds, on every request.
    private static bool IsBase62(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(Base62Chars);

    private static bool IsJwtShaped(ReadOnlySpan<char> token) => !token.ContainsAnyExcept(JwtChars) && token.Count('.') == 2;
}
