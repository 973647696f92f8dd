using System.Net;
using Akua.Infrastructure.Security;
using Akua.TestSupport;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Akua.Reliability.Tests;

/// <summary>
/// The Data Protection key ring protects the JWT signing keys, which are in the database; a database dump alone
/// must never reveal it (ADR 0018). On SQLite it lives in a 0700 folder beside the file; on a shared database it
/// is stored encrypted to a configured certificate, without which a Production node refuses to start.
/// </summary>
public static class KeyRing
{
    /// <summary>Signs up on a first node and keeps a login form's anti-forgery token, made with the key ring.</summary>
    public static async Task<(string Email, string FormToken)> FirstNodeAsync(Dictionary<string, string> environment, CookieContainer cookies)
    {
        await using var first = ServerProcess.Start(Cluster.ContentRoot, environment);
        await Cluster.EnsureReadyAsync(first);
        using var api = new HttpClient { BaseAddress = first.BaseAddress };
        var (email, _, _) = await Api.SignUpAsync(api);
        using var browser = Browser(first, cookies);
        return (email, BrowserSession.AntiforgeryTokenOf(await browser.GetStringAsync("/login", TestContext.Current.CancellationToken)));
    }

    /// <summary>A restarted node accepts the first node's form only if it reads the same key ring.</summary>
    public static async Task<HttpStatusCode> PostLoginAsync(Dictionary<string, string> environment, CookieContainer cookies, string email, string formToken)
    {
        await using var node = ServerProcess.Start(Cluster.ContentRoot, environment);
        await Cluster.EnsureReadyAsync(node);
        using var browser = Browser(node, cookies);
        var response = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = Api.Password, ["__RequestVerificationToken"] = formToken,
        }), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    // Cookies are per host, not per port: the restarted node on another port gets the first node's cookies.
    private static HttpClient Browser(ServerProcess node, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = node.BaseAddress };
}

public sealed class SqliteKeyRingTests : OnDatabase<SqliteTestDatabase>
{
    private string Folder => KeyRingLocation.FolderBeside(Database.Options.ConnectionString)!;

    [Fact]
    public async Task The_key_ring_is_in_an_owner_only_folder_beside_the_database_and_never_in_it()
    {
        var environment = Cluster.EnvironmentFor(Database.Options);
        var cookies = new CookieContainer();

        var (email, formToken) = await KeyRing.FirstNodeAsync(environment, cookies);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Folder));
        }

        Assert.NotEmpty(Directory.GetFiles(Folder, "key-*.xml"));
        await using (var db = Database.NewContext())
        {
            Assert.Empty(await db.DataProtectionKeys.ToListAsync(TestContext.Current.CancellationToken));
        }

        Assert.Equal(HttpStatusCode.Redirect, await KeyRing.PostLoginAsync(environment, cookies, email, formToken));
    }

    [Fact]
    public async Task An_upgrade_moves_the_keys_an_earlier_version_kept_in_the_database_into_the_folder()
    {
        var environment = Cluster.EnvironmentFor(Database.Options);
        var cookies = new CookieContainer();
        var (email, formToken) = await KeyRing.FirstNodeAsync(environment, cookies);

        // As an earlier version left it: the keys in the database, no folder.
        await using (var db = Database.NewContext())
        {
            foreach (var file in Directory.GetFiles(Folder, "*.xml"))
            {
                db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = Path.GetFileNameWithoutExtension(file), Xml = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken) });
            }

            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        Directory.Delete(Folder, recursive: true);

        Assert.Equal(HttpStatusCode.Redirect, await KeyRing.PostLoginAsync(environment, cookies, email, formToken));
        Assert.NotEmpty(Directory.GetFiles(Folder, "key-*.xml"));
        await using (var db = Database.NewContext())
        {
            Assert.Empty(await db.DataProtectionKeys.ToListAsync(TestContext.Current.CancellationToken));
        }
    }
}

public sealed class PostgresKeyRingTests : OnDatabase<PostgresTestDatabase>
{
    [Fact]
    public async Task On_a_shared_database_the_key_ring_is_stored_encrypted_and_only_a_node_with_the_certificate_starts()
    {
        Database.RequireAvailable();
        var withCertificate = Cluster.EnvironmentFor(Database.Options); // it carries the test certificate
        var cookies = new CookieContainer();

        var (email, formToken) = await KeyRing.FirstNodeAsync(withCertificate, cookies);

        // At rest: every key is an encrypted secret; no master key in the clear.
        await using (var db = Database.NewContext())
        {
            var keys = await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(TestContext.Current.CancellationToken);
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.Contains("EncryptedData", xml!, StringComparison.Ordinal);
                Assert.DoesNotContain("<value>", xml!, StringComparison.Ordinal);
            });
        }

        // A node restarted with the certificate accepts the form the first node issued.
        Assert.Equal(HttpStatusCode.Redirect, await KeyRing.PostLoginAsync(withCertificate, cookies, email, formToken));

        // Without a certificate a Production node does not start; with another one it cannot read the keys.
        var without = new Dictionary<string, string>(withCertificate);
        without.Remove("DataProtection__CertificatePath");
        without.Remove("DataProtection__CertificatePassword");
        await using (var refused = ServerProcess.Start(Cluster.ContentRoot, without))
        {
            Assert.NotEqual(0, await refused.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("DataProtection:CertificatePath is required in Production on PostgreSQL", refused.StandardError, StringComparison.Ordinal);
        }

        var otherPath = Path.Combine(Directory.CreateTempSubdirectory("akua-keyring-other-").FullName, "other.pfx");
        var other = new Dictionary<string, string>(withCertificate)
        {
            ["DataProtection__CertificatePath"] = otherPath,
            ["DataProtection__CertificatePassword"] = KeyRingCertificate.Create(otherPath),
        };
        Assert.Equal(HttpStatusCode.BadRequest, await KeyRing.PostLoginAsync(other, cookies, email, formToken));
        Directory.Delete(Path.GetDirectoryName(otherPath)!, recursive: true);
    }

    /// <summary>
    /// docs/deploy.md's rotation, step by step: every node gets the new certificate and keeps the old one to read
    /// with; <c>rewrap-keyring</c> encrypts every key again to the new one; then the old one is removed, and
    /// what the first node made is still read.
    /// </summary>
    [Fact]
    public async Task The_key_ring_certificate_rotates_without_losing_a_key()
    {
        Database.RequireAvailable();
        var before = Cluster.EnvironmentFor(Database.Options); // the test certificate: the one being retired
        var cookies = new CookieContainer();
        var (email, formToken) = await KeyRing.FirstNodeAsync(before, cookies);
        var folder = Directory.CreateTempSubdirectory("akua-keyring-next-").FullName;
        var nextPath = Path.Combine(folder, "next.pfx");
        var after = new Dictionary<string, string>(before)
        {
            ["DataProtection__CertificatePath"] = nextPath,
            ["DataProtection__CertificatePassword"] = KeyRingCertificate.Create(nextPath),
        };
        var during = new Dictionary<string, string>(after)
        {
            ["DataProtection__PreviousCertificates__0__Path"] = KeyRingCertificate.Path,
            ["DataProtection__PreviousCertificates__0__Password"] = KeyRingCertificate.Password,
        };

        // Each post from a copy of the browser as the first node left it: a sign-in (or a refusal) changes its cookies.
        CookieContainer Browser()
        {
            var copy = new CookieContainer();
            copy.Add(cookies.GetAllCookies());
            return copy;
        }

        // 1. The new certificate and the old one: the old keys are still read.
        Assert.Equal(HttpStatusCode.Redirect, await KeyRing.PostLoginAsync(during, Browser(), email, formToken));
        // Without the next step, removing the old certificate would lose them.
        Assert.Equal(HttpStatusCode.BadRequest, await KeyRing.PostLoginAsync(after, Browser(), email, formToken));

        // 2. Once, on one host: every key encrypted again to the new certificate.
        await using (var rewrap = ServerProcess.Start(Cluster.ContentRoot, during, "rewrap-keyring"))
        {
            Assert.True(0 == await rewrap.WaitForExitAsync(TimeSpan.FromSeconds(60)), rewrap.StandardError);
            Assert.Matches(@"akua: [1-9]\d* of \d+ keys of the key ring encrypted again", rewrap.StandardOutput);
        }

        // 3. The old certificate is gone, and nothing is lost.
        Assert.Equal(HttpStatusCode.Redirect, await KeyRing.PostLoginAsync(after, Browser(), email, formToken));
        var next = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(nextPath, after["DataProtection__CertificatePassword"]);
        await using (var db = Database.NewContext())
        {
            var keys = await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(TestContext.Current.CancellationToken);
            Assert.All(keys, xml => Assert.Contains(Convert.ToBase64String(next.RawData), xml!, StringComparison.Ordinal));
        }

        // Run again, it finds nothing left to do.
        await using (var again = ServerProcess.Start(Cluster.ContentRoot, after, "rewrap-keyring"))
        {
            Assert.True(0 == await again.WaitForExitAsync(TimeSpan.FromSeconds(60)), again.StandardError);
            Assert.Contains("akua: 0 of", again.StandardOutput, StringComparison.Ordinal);
        }

        Directory.Delete(folder, recursive: true);
    }
}
