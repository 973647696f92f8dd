using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Akua.TestSupport;

/// <summary>
/// A self-signed key-ring certificate (PFX with a random password) in a temporary folder, made once per test
/// process: what an operator mounts as a secret for a Production node on a shared database.
/// </summary>
public static class KeyRingCertificate
{
    private static readonly Lazy<(string Path, string Password)> Made = new(Make);

    public static string Path => Made.Value.Path;

    public static string Password => Made.Value.Password;

    /// <summary>The two settings that point a server process at it.</summary>
    public static Dictionary<string, string> Environment() => new()
    {
        ["DataProtection__CertificatePath"] = Path,
        ["DataProtection__CertificatePassword"] = Password,
    };

    /// <summary>A new certificate at <paramref name="path"/> (another key than <see cref="Path"/>'s).</summary>
    public static string Create(string path)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=akua key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return password;
    }

    private static (string, string) Make()
    {
        var path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("akua-keyring-").FullName, "keyring.pfx");
        return (path, Create(path));
    }
}
