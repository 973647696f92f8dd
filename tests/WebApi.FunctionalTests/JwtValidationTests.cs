using System.Security.Cryptography;
using System.Text;
using Akua.Application.Common.Abstractions;
using Akua.Domain.Common;
using Akua.Infrastructure.OAuth;
using Akua.Infrastructure.Persistence;
using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Akua.WebApi.FunctionalTests;

/// <summary>A node whose public URL is fixed, so tokens can be minted outside a request; the clock is the test's.</summary>
public sealed class JwtApiFactory : AkuaApiFactory
{
    public JwtApiFactory()
        : this(new SqliteTestDatabase(), DateTimeOffset.UtcNow)
    {
    }

    private JwtApiFactory(TestDatabase database, DateTimeOffset now)
        : base(() => database) => Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);

    /// <summary>
    /// A second node on the same database (and so the same keys), with its own clock set to this node's time:
    /// the class's tests share this node and run in random order, so its clock may be far from the wall clock.
    /// </summary>
    public JwtApiFactory SecondNode() => new(new ExistingDatabase(Database), Clock!.GetUtcNow());

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Akua:PublicUrl", "http://localhost");
        builder.UseSetting("Jwt:RotationPeriod", "00:10:00");
        builder.UseSetting("Jwt:KeyPublicationLead", "00:02:00");
    }

    /// <summary>An access token signed by this node's current key, as the token endpoint would sign it.</summary>
    public async Task<string> IssueAsync(string userId)
    {
        using var scope = Services.CreateScope();
        Assert.True(EntityId.TryParse<UserId>(userId, out var user));
        return (await scope.ServiceProvider.GetRequiredService<IAccessTokens>().IssueAsync(user, "test-client", "api", TestContext.Current.CancellationToken)).Token;
    }

    /// <summary>The client the tests' tokens name: a JWT is accepted only while its client is registered.</summary>
    public const string TestClient = "test-client";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (Database.SkipReason is not null)
        {
            return;
        }

        var owner = await this.SignUpAsync();
        await using var db = new Akua.Infrastructure.Persistence.AkuaDbContext(Database.Options.ToContextOptions());
        if (!await db.OAuthClients.AnyAsync(c => c.ClientId == TestClient))
        {
            Assert.True(EntityId.TryParse<WorkspaceId>(owner.WorkspaceId, out var workspace));
            db.OAuthClients.Add(Akua.Domain.OAuth.OAuthClient.Register(
                workspace, TestClient, "Test client", Akua.Domain.OAuth.OAuthClientType.Public, ["https://app.example/cb"], null, TimeProvider.System));
            await db.SaveChangesAsync();
        }
    }

    public Task<SigningCredentials> SigningKeyAsync() => Services.GetRequiredService<SigningKeyStore>().CurrentAsync(TestContext.Current.CancellationToken);
}

/// <summary>Every way a JWT can be wrong is a 401; rotation keeps tokens valid until they expire, on every node.</summary>
public sealed class JwtValidationTests(JwtApiFactory factory) : IClassFixture<JwtApiFactory>
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private async Task<string> MintAsync(string userId, Action<SecurityTokenDescriptor> change, SigningCredentials? key = null)
    {
        var now = factory.Clock!.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "http://localhost",
            Audience = "akua-api",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            TokenType = "at+jwt",
            SigningCredentials = key ?? await factory.SigningKeyAsync(),
            Claims = new Dictionary<string, object> { ["sub"] = userId, ["client_id"] = "test-client", ["scope"] = "api", ["jti"] = Guid.NewGuid().ToString("N") },
        };
        change(descriptor);
        return Handler.CreateToken(descriptor);
    }

    private async Task<int> WhoAmIAsync(string token) => (int)(await factory.Api(token).GetAsync("/v1/auth/whoami")).StatusCode;

    [Fact]
    public async Task A_token_minted_like_the_server_does_is_accepted()
    {
        var user = await factory.SignUpAsync();

        Assert.Equal(200, await WhoAmIAsync(await MintAsync(user.UserId, _ => { })));
        Assert.Equal(200, await WhoAmIAsync(await factory.IssueAsync(user.UserId)));
    }

    [Fact]
    public async Task Each_wrong_token_is_a_401()
    {
        var user = await factory.SignUpAsync();
        var now = factory.Clock!.GetUtcNow().UtcDateTime;
        var good = await MintAsync(user.UserId, _ => { });
        var wrong = new Dictionary<string, string>
        {
            ["tampered signature"] = good[..^2] + (good[^2] == 'A' ? "B" : "A") + good[^1],
            ["tampered payload"] = Tamper(good),
            ["wrong issuer"] = await MintAsync(user.UserId, d => d.Issuer = "https://evil.example"),
            ["wrong audience"] = await MintAsync(user.UserId, d => d.Audience = "another-api"),
            ["expired"] = await MintAsync(user.UserId, d => { d.IssuedAt = now.AddMinutes(-30); d.NotBefore = now.AddMinutes(-30); d.Expires = now.AddMinutes(-5); }),
            ["not yet valid"] = await MintAsync(user.UserId, d => { d.NotBefore = now.AddMinutes(10); d.Expires = now.AddMinutes(25); }),
            ["wrong type"] = await MintAsync(user.UserId, d => d.TokenType = "JWT"),
            ["alg none"] = Unsigned(good),
            ["unknown key"] = await MintAsync(user.UserId, _ => { }, new SigningCredentials(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "not-ours" }, SecurityAlgorithms.EcdsaSha256)),
            ["HS256 keyed with the public key"] = await MintAsync(user.UserId, _ => { }, await PublicKeyAsHmacAsync()),
            ["no subject"] = await MintAsync(user.UserId, d => d.Claims.Remove("sub")),
            ["not JSON inside"] = "eyJa.eyJb.c",
            ["empty segments"] = "eyJ..",
            ["header only"] = Base64UrlEncoder.Encode("{\"alg\":\"ES256\"}") + "..",
            ["payload not an object"] = $"{good.Split('.')[0]}.{Base64UrlEncoder.Encode("[1,2,3]")}.{good.Split('.')[2]}",
        };

        foreach (var (name, token) in wrong)
        {
            Assert.True(401 == await WhoAmIAsync(token), $"{name} was accepted");
        }

        Assert.Equal(200, await WhoAmIAsync(good));
    }

    [Fact]
    public async Task After_a_rotation_old_tokens_verify_until_they_expire_on_every_node()
    {
        var user = await factory.SignUpAsync();
        var before = await factory.IssueAsync(user.UserId);

        factory.Clock!.Advance(TimeSpan.FromMinutes(11)); // past the 10-minute rotation period
        var after = await factory.IssueAsync(user.UserId);
        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);

        Assert.Equal(200, await WhoAmIAsync(before));
        Assert.Equal(200, await WhoAmIAsync(after));
        var jwks = await factory.Api().ExpectAsync(200, HttpMethod.Get, "/.well-known/jwks.json");
        var kids = jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
        Assert.Contains(new JsonWebToken(before).Kid, kids);
        Assert.Contains(new JsonWebToken(after).Kid, kids);

        // A node started after the rotation verifies both.
        await using var second = factory.SecondNode();
        await second.InitializeAsync();
        Assert.Equal(200, (int)(await second.Api(before).GetAsync("/v1/auth/whoami")).StatusCode);
        Assert.Equal(200, (int)(await second.Api(after).GetAsync("/v1/auth/whoami")).StatusCode);

        // Once the first token's 15 minutes (and the skew) are over, it is refused; the newer one still works.
        factory.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(401, await WhoAmIAsync(before));
        Assert.Equal(200, await WhoAmIAsync(after));
    }

    [Fact]
    public async Task A_new_node_publishes_its_signing_key_before_any_token_is_issued()
    {
        // The JWK set was empty until the first token was signed.
        await using var fresh = new JwtApiFactory();
        await fresh.InitializeAsync();

        var (kids, maxAge) = await JwksAsync(fresh);

        Assert.Single(kids);
        Assert.Equal(TimeSpan.FromMinutes(2), maxAge);
    }

    [Fact]
    public async Task A_resource_server_that_caches_the_jwks_as_told_never_meets_an_unknown_key()
    {
        var user = await factory.SignUpAsync();
        var (kids, maxAge) = await JwksAsync(factory);
        var fetchedAt = factory.Clock!.GetUtcNow();
        var signers = new HashSet<string>();

        // 35 minutes in 10-second steps: three rotations of the 10-minute period, each announced 2 minutes ahead.
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromMinutes(35); elapsed += TimeSpan.FromSeconds(10))
        {
            if (factory.Clock.GetUtcNow() - fetchedAt >= maxAge)
            {
                (kids, maxAge) = await JwksAsync(factory);
                fetchedAt = factory.Clock.GetUtcNow();
            }

            var kid = new JsonWebToken(await factory.IssueAsync(user.UserId)).Kid;
            Assert.True(kids.Contains(kid), $"at +{elapsed}: a token signed by {kid}, not in the key set fetched {factory.Clock.GetUtcNow() - fetchedAt} ago ({string.Join(", ", kids)})");
            signers.Add(kid);
            factory.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.InRange(signers.Count, 4, 5);
    }

    [Fact]
    public async Task A_successor_made_late_waits_a_full_lead_and_its_predecessor_signs_until_then()
    {
        // No node ran in the hours before the key's retirement (here: nothing asked until a minute before it).
        await using var node = new JwtApiFactory();
        await node.InitializeAsync();
        var user = await node.SignUpAsync();
        var (first, _) = await JwksAsync(node);
        var a = Assert.Single(first);

        node.Clock!.Advance(TimeSpan.FromMinutes(9)); // a minute before the 10-minute rotation
        var (cached, maxAge) = await JwksAsync(node);
        Assert.Equal(2, cached.Count);
        var b = cached.Single(k => k != a);

        // Past the old retirement the old key still signs: the new one has not been published for a lead yet.
        node.Clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal(a, new JsonWebToken(await node.IssueAsync(user.UserId)).Kid);

        // Once it has been (and a cache honouring max-age has refreshed), the new one signs.
        node.Clock.Advance(maxAge);
        Assert.Equal(b, new JsonWebToken(await node.IssueAsync(user.UserId)).Kid);
    }

    private static async Task<(HashSet<string> Kids, TimeSpan MaxAge)> JwksAsync(JwtApiFactory node)
    {
        var response = await node.CreateClient().GetAsync("/.well-known/jwks.json", TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        var kids = (await response.JsonAsync()).GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToHashSet();
        return (kids, response.Headers.CacheControl?.MaxAge ?? TimeSpan.Zero);
    }

    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"api\"", "\"admin\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    private static string Unsigned(string token)
    {
        var parts = token.Split('.');
        return $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}")}.{parts[1]}.";
    }

    /// <summary>The classic confusion: sign HS256 with the server's public key as the HMAC secret.</summary>
    private async Task<SigningCredentials> PublicKeyAsHmacAsync()
    {
        var jwks = await factory.Api().ExpectAsync(200, HttpMethod.Get, "/.well-known/jwks.json");
        var key = jwks.GetProperty("keys")[0];
        var secret = Encoding.UTF8.GetBytes(key.GetRawText());
        return new SigningCredentials(new SymmetricSecurityKey(secret) { KeyId = key.GetProperty("kid").GetString() }, SecurityAlgorithms.HmacSha256);
    }
}
