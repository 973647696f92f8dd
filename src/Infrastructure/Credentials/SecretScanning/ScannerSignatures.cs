using System.Security.Cryptography;

namespace Akua.Infrastructure.Credentials.SecretScanning;

/// <summary>
/// <c>SecretScanning:PublicKeys</c>: the keys a secret scanner signs its reports with, each named by the identifier
/// the scanner sends beside its signature (GitHub publishes its keys at
/// <c>https://api.github.com/meta/public_keys/secret_scanning</c>).
/// </summary>
public sealed class SecretScanningOptions
{
    public List<ScannerKey> PublicKeys { get; set; } = [];
}

public sealed class ScannerKey
{
    public string Identifier { get; set; } = "";

    /// <summary>An ECDSA P-256 public key, PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    public string Key { get; set; } = "";
}

/// <summary>
/// Verifies a scanner's signature over the raw request body: ECDSA P-256 with SHA-256, the signature base64 of
/// its DER encoding (GitHub's <c>Github-Public-Key-Signature</c>). Anything unknown, malformed or wrong is simply
/// not verified.
/// </summary>
public sealed class ScannerSignatures
{
    private readonly Dictionary<string, ECParameters> _keys = new(StringComparer.Ordinal);

    public ScannerSignatures(IOptions<SecretScanningOptions> options)
    {
        foreach (var key in options.Value.PublicKeys)
        {
            using var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportFromPem(key.Key);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"SecretScanning:PublicKeys: the key '{key.Identifier}' is not a PEM public key.", e);
            }

            if (ecdsa.KeySize != 256)
            {
                throw new InvalidOperationException($"SecretScanning:PublicKeys: the key '{key.Identifier}' is not a P-256 key.");
            }

            _keys[key.Identifier] = ecdsa.ExportParameters(includePrivateParameters: false);
        }
    }

    /// <summary>Whether any key is configured: without one, every report is refused.</summary>
    public bool Configured => _keys.Count > 0;

    public bool Verify(string? identifier, string? signature, ReadOnlySpan<byte> body)
    {
        if (identifier is null || signature is null || signature.Length > 512 || !_keys.TryGetValue(identifier, out var parameters))
        {
            return false;
        }

        var der = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature, der, out var length))
        {
            return false;
        }

        using var ecdsa = ECDsa.Create(parameters); // one per call: an ECDsa instance is not documented thread-safe
        try
        {
            return ecdsa.VerifyData(body, der.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
