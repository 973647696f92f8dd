using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akua.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Akua.Reliability.Tests;

/// <summary>
/// The Data Protection key ring (which protects the JWT signing keys) is stored encrypted to a configured
/// certificate, so a database dump alone does not reveal it, and a restarted node with the certificate reads it.
/// </summary>
public sealed class KeyRingTests : OnDatabase<SqliteTestDatabase>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("akua-keyring-").FullName;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task With_a_certificate_the_key_ring_is_stored_encrypted_and_a_restarted_node_reads_it_while_one_without_cannot()
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var pfx = Path.Combine(_folder, "keyring.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=akua key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, password), TestContext.Current.CancellationToken);
        }

        var withCertificate = Cluster.EnvironmentFor(Database.Options, new Dictionary<string, string>
        {
            ["DataProtection__CertificatePath"] = pfx,
            ["DataProtection__CertificatePassword"] = password,
        });
        var cookies = new CookieContainer();
        string email;
        string formToken;
        await using (var first = ServerProcess.Start(Cluster.ContentRoot, withCertificate))
        {
            await Cluster.EnsureReadyAsync(first);
            using var api = new HttpClient { BaseAddress = first.BaseAddress };
            (email, _, _) = await Api.SignUpAsync(api);
            using var browser = Browser(first, cookies);
            formToken = BrowserSession.AntiforgeryTokenOf(await browser.GetStringAsync("/login", TestContext.Current.CancellationToken));
        }

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

        // A node restarted with the certificate accepts the form the first node issued (its anti-forgery token
        // was made with the stored key); a node without it cannot read the key and refuses.
        Assert.Equal(HttpStatusCode.Redirect, await PostLoginAsync(withCertificate, cookies, email, formToken));
        Assert.Equal(HttpStatusCode.BadRequest, await PostLoginAsync(Cluster.EnvironmentFor(Database.Options), cookies, email, formToken));
    }

    private static async Task<HttpStatusCode> PostLoginAsync(Dictionary<string, string> environment, CookieContainer cookies, string email, string formToken)
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
