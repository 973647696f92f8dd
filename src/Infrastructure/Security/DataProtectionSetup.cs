using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Akua.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Akua.Infrastructure.Security;

/// <summary>
/// Where the Data Protection key ring lives. It protects the JWT signing keys' private parts, which are in the
/// database, so a database dump alone must never be enough to read it (ADR 0018):
/// <list type="bullet">
/// <item>On SQLite (one node), in a folder of its own beside the database file (<c>akua-keys/</c>, mode 0700).</item>
/// <item>On PostgreSQL or SQL Server (several nodes), in the shared database, each key encrypted to the
/// certificate in <c>DataProtection:CertificatePath</c> (a PFX mounted as a secret, its password in
/// <c>DataProtection:CertificatePassword</c>). In Production the server refuses to start without one.</item>
/// </list>
/// A configured certificate encrypts the keys on SQLite too.
/// </summary>
public static partial class DataProtectionSetup
{
    public const string CertificatePathKey = "DataProtection:CertificatePath";
    public const string CertificatePasswordKey = "DataProtection:CertificatePassword";

    /// <summary>Certificates being rotated out: keys encrypted to them are still read, none is encrypted to them.</summary>
    public const string PreviousCertificatesKey = "DataProtection:PreviousCertificates";

    /// <param name="requireEncryption">False only for a run that migrates and exits (it reads no key).</param>
    public static IServiceCollection AddAkuaDataProtection(this IServiceCollection services, IConfiguration configuration, bool requireEncryption = true)
    {
        var protection = services.AddDataProtection().SetApplicationName("akua");
        var certificate = LoadCertificate(configuration[CertificatePathKey], configuration[CertificatePasswordKey], CertificatePathKey);
        var previous = configuration.GetSection(PreviousCertificatesKey).GetChildren()
            .Select((c, i) => LoadCertificate(c["Path"], c["Password"], $"{PreviousCertificatesKey}:{i}:Path")
                ?? throw new StartupException($"{PreviousCertificatesKey}:{i}:Path is empty."))
            .ToArray();
        if (certificate is not null)
        {
            protection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate([certificate, .. previous]);
            services.AddSingleton(new KeyRingCertificates(certificate, previous));
        }
        else if (previous.Length > 0)
        {
            throw new StartupException($"{PreviousCertificatesKey} is set without {CertificatePathKey}: name the new certificate as well.");
        }

        // Decided when first needed (the database options are read late, so a host can still change them).
        services.AddSingleton(sp => KeyRingLocation.For(sp.GetRequiredService<DatabaseOptions>(), sp.GetRequiredService<IHostEnvironment>(), certificate is not null || !requireEncryption));
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = sp.GetRequiredService<KeyRingLocation>().Repository(sp)));

        // Data Protection's own hosted service loads the key ring synchronously as the host starts, so the server's
        // pipeline is built only after it (a third of a second on a new database, of a start that must stay under
        // two): the host loads it beside that instead (PreloadKeyRing).
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType?.FullName == DataProtectionHostedService)
            {
                services.RemoveAt(i);
            }
        }

        return services;
    }

    /// <summary>The framework's hosted service that loads the key ring at start-up, replaced by <see cref="PreloadKeyRing"/>.</summary>
    public const string DataProtectionHostedService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>
    /// Loads (on a new database: creates) the key ring on a thread of its own while the server starts, as Data
    /// Protection's own hosted service would before it; a request that needs the ring first waits for it. The
    /// database must be ready: the folder key ring looks there once for keys an earlier version kept.
    /// </summary>
    public static Task PreloadKeyRing(IServiceProvider services) => Task.Run(() =>
    {
        try
        {
            services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.Internal.IKeyRingProvider>().GetCurrentKeyRing();
        }
        catch (Exception e)
        {
            // Not fatal, as with the framework's own preload: the first request that needs the ring tries again.
            LogPreloadFailed(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataProtectionSetup)), e);
        }
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the Data Protection key ring at start-up failed; the first request that needs it tries again")]
    private static partial void LogPreloadFailed(ILogger logger, Exception exception);

    /// <summary>The certificate at <paramref name="path"/>, or null for none; one that does not load stops the server with one line.</summary>
    private static X509Certificate2? LoadCertificate(string? path, string? password, string setting)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            return certificate.HasPrivateKey ? certificate
                : throw new StartupException($"{setting}: the certificate has no private key, so it cannot decrypt the key ring.");
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new StartupException($"{setting}: the certificate could not be loaded ({e.Message}).");
        }
        catch (IOException e)
        {
            throw new StartupException($"{setting}: {e.Message}");
        }
    }
}

/// <summary>The key ring's place for this deployment: a folder beside a SQLite file, or the shared database.</summary>
public sealed class KeyRingLocation
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private KeyRingLocation(string? folder) => Folder = folder;

    /// <summary>The folder on SQLite; null when the key ring is in the shared database.</summary>
    public string? Folder { get; }

    public static KeyRingLocation For(DatabaseOptions database, IHostEnvironment environment, bool encrypted)
    {
        if (database.Provider == DatabaseProvider.Sqlite && FolderBeside(database.ConnectionString) is { } folder)
        {
            if (!Directory.Exists(folder))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(folder);
                }
                else
                {
                    Directory.CreateDirectory(folder, OwnerOnly);
                }
            }
            else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(folder) & ~OwnerOnly) != 0)
            {
                File.SetUnixFileMode(folder, OwnerOnly); // tightened if someone loosened it
            }

            return new KeyRingLocation(folder);
        }

        if (environment.IsProduction() && !encrypted)
        {
            throw new StartupException($"{DataProtectionSetup.CertificatePathKey} is required in Production on {database.Provider}: " +
                "without it the key ring that protects the JWT signing keys would sit unencrypted in the same database as them.");
        }

        return new KeyRingLocation(null);
    }

    /// <summary><c>/data/akua.db</c> keeps its key ring in <c>/data/akua-keys/</c>; an in-memory database has no folder.</summary>
    public static string? FolderBeside(string sqliteConnectionString)
    {
        var file = new SqliteConnectionStringBuilder(sqliteConnectionString).DataSource;
        if (string.IsNullOrWhiteSpace(file) || file == ":memory:" || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var full = Path.GetFullPath(file);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-keys");
    }

    public IXmlRepository Repository(IServiceProvider services)
    {
        var logs = services.GetRequiredService<ILoggerFactory>();
        return Folder is null
            ? new EntityFrameworkCoreXmlRepository<AkuaDbContext>(services, logs)
            : new FolderKeyRing(new FileSystemXmlRepository(new DirectoryInfo(Folder), logs), services);
    }

    /// <summary>
    /// The folder repository, which first moves in the keys an earlier version kept in the SQLite database
    /// (without them the signing keys they protect could not be read: nothing may be lost on an upgrade).
    /// </summary>
    private sealed class FolderKeyRing(FileSystemXmlRepository folder, IServiceProvider services) : IXmlRepository
    {
        private readonly Lock _gate = new();
        private bool _imported;

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            ImportOnce();
            return folder.GetAllElements();
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            ImportOnce();
            folder.StoreElement(element, friendlyName);
        }

        private void ImportOnce()
        {
            lock (_gate)
            {
                if (_imported)
                {
                    return;
                }

                using var scope = services.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
                var old = db.DataProtectionKeys.ToList();
                // Idempotent: an import cut short (keys written, rows not yet deleted) is finished, not doubled.
                var present = folder.GetAllElements().Select(e => (string?)e.Attribute("id")).ToHashSet();
                foreach (var key in old.Where(k => !string.IsNullOrEmpty(k.Xml)))
                {
                    var element = XElement.Parse(key.Xml!);
                    if (!present.Contains((string?)element.Attribute("id")))
                    {
                        folder.StoreElement(element, key.FriendlyName ?? $"key-{key.Id}");
                    }
                }

                if (old.Count > 0)
                {
                    // Gone from the file too, not only from the table: deleted pages are overwritten, and the
                    // write-ahead log that still holds them is folded in and emptied.
                    db.Database.OpenConnection();
                    try
                    {
                        db.Database.ExecuteSqlRaw("PRAGMA secure_delete = ON");
                        db.DataProtectionKeys.RemoveRange(old);
                        db.SaveChanges();
                        db.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(TRUNCATE)");
                    }
                    finally
                    {
                        db.Database.CloseConnection();
                    }
                }

                _imported = true;
            }
        }
    }
}
