using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Akua.TestSupport;

/// <summary>A PKCE verifier and its S256 challenge (RFC 7636), as an OAuth client makes them.</summary>
public static class Pkce
{
    public static (string Verifier, string Challenge) New()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }
}
