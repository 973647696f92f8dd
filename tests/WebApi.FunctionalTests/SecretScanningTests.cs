using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Hosting;

namespace Akua.WebApi.FunctionalTests;

/// <summary>A server that trusts one scanner key, made by the test (GitHub's own keys sign GitHub's reports).</summary>
public class ScannerKeyApiFactory(Func<TestDatabase> database) : AkuaApiFactory(database)
{
    public const string KeyId = "a1b2c3-test-key";

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("SecretScanning:PublicKeys:0:Identifier", KeyId);
        builder.UseSetting("SecretScanning:PublicKeys:0:Key", Key.ExportSubjectPublicKeyInfoPem());
    }
}

public sealed class SqliteScannerKeyApiFactory() : ScannerKeyApiFactory(() => new SqliteTestDatabase());

public sealed class PostgresScannerKeyApiFactory() : ScannerKeyApiFactory(() => new PostgresTestDatabase());

/// <summary>Leaked-token revocation through GitHub's secret scanning partner program (issue 18).</summary>
public abstract class SecretScanningTests(ScannerKeyApiFactory factory)
{
    private const string Path = "/v1/secret_scanning/github";
    private const string Found = "https://github.com/octo/app/blob/0123456789abcdef/deploy.yml";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_report_revokes_each_live_token_at_once_and_says_which_were_ours()
    {
        var ann = await factory.SignUpAsync();
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        var (id, token) = await admin.CreateApiTokenAsync();
        var (_, other) = await admin.CreateApiTokenAsync(role: "member");
        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/installs"); // cached on this node
        var random = "sk_akua_" + new string('A', 26) + "ZZZZZZ"; // the right shape, a wrong checksum

        var body = Report((token, Found), (random, "https://gist.github.com/x"), (token, Found));
        var response = await SendAsync(body, factory.Key);

        Assert.Equal(200, (int)response.StatusCode);
        var verdicts = (await response.JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(3, verdicts.Count);
        Assert.Equal(Sha256(token), verdicts[0].GetProperty("token_hash").GetString());
        Assert.Equal("akua_api_token", verdicts[0].GetProperty("token_type").GetString());
        Assert.Equal(["true_positive", "false_positive", "true_positive"], verdicts.Select(v => v.GetProperty("label").GetString()));
        Assert.DoesNotContain(token, (await response.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);

        // Revoked at once, here (and on every node: the multi-node suite), and kept, marked, where it leaked.
        await (await factory.Api(token).GetAsync("/v1/installs")).AssertErrorAsync(401, "unauthorized");
        await factory.Api(other).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
        var listed = await admin.ExpectAsync(200, HttpMethod.Get, $"/v1/api_tokens/{id}");
        Assert.Equal("leaked", listed.GetProperty("revoked_reason").GetString());
        Assert.Equal(Found, listed.GetProperty("leak_url").GetString());
        Assert.Equal(JsonValueKind.Number, listed.GetProperty("revoked_at").ValueKind);

        var events = await admin.ExpectAsync(200, HttpMethod.Get, "/v1/audit_events?action=api_token.leaked");
        var leaked = Assert.Single(events.GetProperty("data").EnumerateArray());
        Assert.Equal(id, leaked.GetProperty("target").GetProperty("id").GetString());
        Assert.Equal(Found, leaked.GetProperty("details").GetProperty("url").GetString());
        Assert.Equal("system", leaked.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal("github_secret_scanning", leaked.GetProperty("actor").GetProperty("id").GetString());

        // Reported again (GitHub retries): still ours, revoked already, no second event.
        var again = await SendAsync(Report((token, Found)), factory.Key);
        Assert.Equal("true_positive", (await again.JsonAsync())[0].GetProperty("label").GetString());
        Assert.Single((await admin.ExpectAsync(200, HttpMethod.Get, "/v1/audit_events?action=api_token.leaked")).GetProperty("data").EnumerateArray());

        // Deleting it by hand still works, and then it is simply gone.
        await admin.ExpectAsync(204, HttpMethod.Delete, $"/v1/api_tokens/{id}");
    }

    [Fact]
    public async Task A_bad_missing_or_foreign_signature_or_a_changed_byte_revokes_nothing()
    {
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        var body = Report((token, Found));
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = Sign(body, factory.Key);
        var tampered = body.Replace("deploy.yml", "deploy.ymk", StringComparison.Ordinal); // one byte changed after signing

        var attempts = new (string Body, string? KeyId, string? Signature)[]
        {
            (body, ScannerKeyApiFactory.KeyId, Sign(body, stranger)), // signed by someone else
            (body, "another-key-id", signature), // a key the server does not know
            (body, null, signature),
            (body, ScannerKeyApiFactory.KeyId, null),
            (body, ScannerKeyApiFactory.KeyId, "not base64!"),
            (body, ScannerKeyApiFactory.KeyId, Convert.ToBase64String(new byte[70])),
            (tampered, ScannerKeyApiFactory.KeyId, signature),
        };
        foreach (var (text, keyId, sig) in attempts)
        {
            await (await SendAsync(text, keyId, sig)).AssertErrorAsync(401, "unauthorized");
        }

        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
    }

    [Fact]
    public async Task Random_strings_are_false_positives_without_a_database_query()
    {
        var strings = Enumerable.Range(0, 50).Select(i => ("sk_akua_" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 32), Found))
            .Append(("ghp_notours", Found)).Append(("x", Found)).ToArray();
        var body = Report(strings);
        var before = factory.Meter.RequestCommands;

        var response = await SendAsync(body, factory.Key);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.All((await response.JsonAsync()).EnumerateArray(), v => Assert.Equal("false_positive", v.GetProperty("label").GetString()));
        Assert.Equal(0, factory.Meter.RequestCommands - before);
    }

    [Fact]
    public async Task A_malformed_report_is_a_clear_error()
    {
        foreach (var (body, status) in new[] { ("{\"token\": \"x\"}", 400), ("[{\"type\": \"t\"}]", 422), ("not json", 400), ("[null]", 422) })
        {
            var response = await SendAsync(body, factory.Key);
            Assert.Equal(status, (int)response.StatusCode);
            await response.AssertErrorAsync(status, status == 400 ? "bad_request" : "validation_error");
        }

        Assert.Equal("[]", await (await SendAsync("[]", factory.Key)).Content.ReadAsStringAsync(Ct));
    }

    private Task<HttpResponseMessage> SendAsync(string body, ECDsa key) => SendAsync(body, ScannerKeyApiFactory.KeyId, Sign(body, key));

    private async Task<HttpResponseMessage> SendAsync(string body, string? keyId, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (keyId is not null)
        {
            request.Headers.TryAddWithoutValidation("Github-Public-Key-Identifier", keyId);
        }

        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Github-Public-Key-Signature", signature);
        }

        return await factory.CreateClient().SendAsync(request, Ct);
    }

    internal static string Report(params (string Token, string Url)[] matches) =>
        JsonSerializer.Serialize(matches.Select(m => new { token = m.Token, type = "akua_api_token", url = m.Url, source = "content" }));

    internal static string Sign(string body, ECDsa key) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    private static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}

public sealed class SqliteSecretScanningTests(SqliteScannerKeyApiFactory factory) : SecretScanningTests(factory), IClassFixture<SqliteScannerKeyApiFactory>;

public sealed class PostgresSecretScanningTests(PostgresScannerKeyApiFactory factory) : SecretScanningTests(factory), IClassFixture<PostgresScannerKeyApiFactory>;

/// <summary>Without a configured key every report is refused.</summary>
public sealed class UnconfiguredSecretScanningTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    [Fact]
    public async Task Without_a_key_nothing_is_trusted()
    {
        var ann = await factory.SignUpAsync();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = SecretScanningTests.Report((token, "https://github.com/x"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/secret_scanning/github") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Github-Public-Key-Identifier", ScannerKeyApiFactory.KeyId);
        request.Headers.TryAddWithoutValidation("Github-Public-Key-Signature", SecretScanningTests.Sign(body, key));

        await (await factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken)).AssertErrorAsync(401, "unauthorized");
        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/installs");
    }
}
