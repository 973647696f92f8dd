using System.Buffers.Binary;
using Akua.Infrastructure.Persistence;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// Passwords stored before hashing moved to OWASP's 210,000 PBKDF2-HMAC-SHA512 iterations (issue 20) are upgraded
/// on the next sign-in with the right password, and only then: the stored hash is all the server has.
/// </summary>
public abstract class PasswordUpgradeTests(AkuaApiFactory factory)
{
    private static uint IterationsOf(string hash) => BinaryPrimitives.ReadUInt32BigEndian(Convert.FromBase64String(hash).AsSpan(5));

    [Fact]
    public async Task A_sign_in_upgrades_an_older_hash_and_a_wrong_password_changes_nothing()
    {
        var ann = await factory.SignUpAsync();
        await using var db = new AkuaDbContext(factory.Database.Options.ToContextOptions());
        var user = await db.Users.SingleAsync(u => u.Email == ann.Email, TestContext.Current.CancellationToken);
        Assert.Equal(210_000u, IterationsOf(user.PasswordHash));

        // As this service stored it before: Identity's default of 100,000 iterations.
        var older = new Microsoft.AspNetCore.Identity.PasswordHasher<object>().HashPassword(new object(), "correct horse battery");
        await db.Users.Where(u => u.Email == ann.Email).ExecuteUpdateAsync(u => u.SetProperty(x => x.PasswordHash, older), TestContext.Current.CancellationToken);

        await (await factory.Api().PostAsync("/api/auth/sign-in/email", new { email = ann.Email, password = "wrong horse battery" })).AssertErrorAsync(401, "unauthorized");
        Assert.Equal(older, await HashOfAsync(db, ann.Email));

        await factory.Api().ExpectAsync(200, HttpMethod.Post, "/api/auth/sign-in/email", new { email = ann.Email, password = "correct horse battery" });
        var upgraded = await HashOfAsync(db, ann.Email);
        Assert.NotEqual(older, upgraded);
        Assert.Equal(210_000u, IterationsOf(upgraded));
        await factory.Api().ExpectAsync(200, HttpMethod.Post, "/api/auth/sign-in/email", new { email = ann.Email, password = "correct horse battery" });
    }

    private static Task<string> HashOfAsync(AkuaDbContext db, string email) =>
        db.Users.AsNoTracking().Where(u => u.Email == email).Select(u => u.PasswordHash).SingleAsync(TestContext.Current.CancellationToken);
}

public sealed class SqlitePasswordUpgradeTests(SqliteApiFactory factory) : PasswordUpgradeTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresPasswordUpgradeTests(PostgresApiFactory factory) : PasswordUpgradeTests(factory), IClassFixture<PostgresApiFactory>;
