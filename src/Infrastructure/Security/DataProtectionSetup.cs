using System.Security.Cryptography.X509Certificates;
using Akua.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.Infrastructure.Security;

/// <summary>
/// The Data Protection key ring lives in the shared database (every node reads it). It protects the JWT
/// signing keys' private parts, so a database dump alone must not reveal it: with
/// <c>DataProtection:CertificatePath</c> (a PFX, mounted as a secret, outside the database; the password in
/// <c>DataProtection:CertificatePassword</c>) each key is encrypted to the certificate before it is stored,
/// and decrypted with it when read. Without one, keys are stored as they are (ASP.NET Core warns at start),
/// which is the zero-set-up default for a single SQLite node.
/// </summary>
public static class DataProtectionSetup
{
    public const string CertificatePathKey = "DataProtection:CertificatePath";
    public const string CertificatePasswordKey = "DataProtection:CertificatePassword";

    public static IServiceCollection AddAkuaDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var protection = services.AddDataProtection().SetApplicationName("akua").PersistKeysToDbContext<AkuaDbContext>();
        if (LoadCertificate(configuration) is { } certificate)
        {
            protection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }

        return services;
    }

    /// <summary>The configured certificate, or null; a path that does not load stops the server with one line.</summary>
    private static X509Certificate2? LoadCertificate(IConfiguration configuration)
    {
        var path = configuration[CertificatePathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[CertificatePasswordKey]);
            return certificate.HasPrivateKey ? certificate
                : throw new StartupException($"{CertificatePathKey}: the certificate has no private key, so it cannot decrypt the key ring.");
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new StartupException($"{CertificatePathKey}: the certificate could not be loaded ({e.Message}).");
        }
        catch (IOException e)
        {
            throw new StartupException($"{CertificatePathKey}: {e.Message}");
        }
    }
}
