using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Akua.Application.OAuth;

/// <summary>Proof Key for Code Exchange (RFC 7636): the only challenge method offered is S256.</summary>
internal static class Pkce
{
    /// <summary>BASE64URL(SHA-256(ASCII(code_verifier))) == code_challenge (RFC 7636 section 4.6).</summary>
    public static bool VerifierMatches(string? verifier, string challenge)
    {
        if (verifier is null || verifier.Length is < 43 or > 128 || verifier.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '~')))
        {
            return false;
        }

        var computed = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }
}
