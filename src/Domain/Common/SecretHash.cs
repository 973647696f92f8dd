namespace Akua.Domain.Common;

/// <summary>
/// The stored form of a bearer secret (SHA-256, 32 bytes). The domain never sees the secret itself.
/// </summary>
public static class SecretHash
{
    public const int Length = 32;

    public static byte[] Require(byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (hash.Length != Length)
        {
            throw new ArgumentException($"A secret hash is {Length} bytes.", nameof(hash));
        }

        return hash;
    }
}
