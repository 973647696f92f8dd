using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Akua.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Akua.Infrastructure.Security;

/// <summary>The key-ring certificate in use and those being rotated out (<c>DataProtection:PreviousCertificates</c>).</summary>
public sealed record KeyRingCertificates(X509Certificate2 Current, IReadOnlyList<X509Certificate2> Previous);

/// <summary>
/// The last step of rotating the key-ring certificate (<c>rewrap-keyring</c>, docs/deploy.md): every key of the
/// ring that is encrypted to another certificate is decrypted (with a previous certificate) and encrypted again to
/// the current one, in place, so the previous certificate can then be removed from every node. Data Protection
/// never re-encrypts a key by itself: without this a retired certificate would be needed for as long as anything
/// protected with its keys is read (the JWT signing keys, for their whole life). Idempotent: a key already
/// encrypted to the current certificate is left as it is.
/// </summary>
public static class KeyRingRewrap
{
    /// <returns>How many keys there are, and how many were encrypted again.</returns>
    public static (int Keys, int Rewrapped) Run(IServiceProvider services)
    {
        var certificates = services.GetService<KeyRingCertificates>()
            ?? throw new StartupException($"rewrap-keyring needs {DataProtectionSetup.CertificatePathKey}: the certificate to encrypt the key ring to.");
        var decryptor = new EncryptedXmlDecryptor(services);
        var encryptor = new CertificateXmlEncryptor(certificates.Current, services.GetRequiredService<ILoggerFactory>());
        var location = services.GetRequiredService<KeyRingLocation>();
        var keys = 0;
        var rewrapped = 0;
        if (location.Folder is { } folder)
        {
            foreach (var file in Directory.GetFiles(folder, "*.xml"))
            {
                var key = XElement.Load(file);
                keys++;
                if (Rewrap(key, decryptor, encryptor, certificates.Current))
                {
                    // Written beside it, then moved over it: a crash leaves the old file or the new one, never half.
                    var written = file + ".rewrap";
                    key.Save(written, SaveOptions.DisableFormatting);
                    File.Move(written, file, overwrite: true);
                    rewrapped++;
                }
            }

            return (keys, rewrapped);
        }

        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        foreach (var row in db.DataProtectionKeys.Where(k => k.Xml != null).ToList())
        {
            var key = XElement.Parse(row.Xml!);
            keys++;
            if (Rewrap(key, decryptor, encryptor, certificates.Current))
            {
                row.Xml = key.ToString(SaveOptions.DisableFormatting);
                rewrapped++;
            }
        }

        db.SaveChanges(); // one transaction: every key moves, or none does
        return (keys, rewrapped);
    }

    private static bool Rewrap(XElement key, IXmlDecryptor decryptor, IXmlEncryptor encryptor, X509Certificate2 current)
    {
        var changed = false;
        // An encrypted secret is an element with a decryptorType attribute around the EncryptedData (as Data
        // Protection's own XmlEncryptionExtensions writes it).
        foreach (var secret in key.Descendants().Where(e => e.Attribute("decryptorType") is not null).ToList())
        {
            if (EncryptedTo(secret, current))
            {
                continue;
            }

            var plain = decryptor.Decrypt(secret.Elements().Single());
            var encrypted = encryptor.Encrypt(plain);
            secret.ReplaceWith(new XElement(secret.Name,
                new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!), encrypted.EncryptedElement));
            changed = true;
        }

        return changed;
    }

    /// <summary>Whether the secret's EncryptedKey names <paramref name="certificate"/> (its X509Data carries the certificate).</summary>
    private static bool EncryptedTo(XElement secret, X509Certificate2 certificate) =>
        secret.Descendants().Where(e => e.Name.LocalName == "X509Certificate")
            .Any(e => Convert.FromBase64String(e.Value.Trim()).AsSpan().SequenceEqual(certificate.RawData));
}
