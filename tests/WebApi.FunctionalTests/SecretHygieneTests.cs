using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>No issued secret or password is ever stored, or logged, in plaintext.</summary>
public abstract class SecretHygieneTests(AkuaApiFactory factory)
{
    [Fact]
    public async Task No_table_and_no_log_line_holds_an_issued_token_or_a_password()
    {
        const string password = "correct horse battery";
        var secrets = new List<string> { password };
        var ann = await factory.SignUpAsync();
        secrets.Add(ann.Token);
        var signIn = await factory.Api().ExpectAsync(200, HttpMethod.Post, "/api/auth/sign-in/email", new { email = ann.Email, password });
        secrets.Add(signIn.GetProperty("token").GetString()!);
        var admin = factory.Api(ann.Token, ann.WorkspaceId);
        foreach (var role in new[] { "admin", "member" })
        {
            var (_, token) = await admin.CreateApiTokenAsync(role);
            secrets.Add(token);
            await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        }

        // A roll shows a new token once; the audit log records it, and the old one's new expiry, without either.
        var (rolledId, _) = await admin.CreateApiTokenAsync();
        var rolled = await admin.ExpectAsync(201, HttpMethod.Post, $"/v1/api_tokens/{rolledId}/roll", new { expires_in = 60 });
        secrets.Add(rolled.GetProperty("token").GetString()!);

        // Failed attempts with real secrets in them must not leak either: a wrong password, and a password typed
        // into the email field (recorded in the audit log without what was typed).
        await factory.Api().PostAsync("/api/auth/sign-in/email", new { email = ann.Email, password = "wrong " + password });
        const string typedIntoEmail = "hunter2-typed-into-the-email-field@example.com";
        secrets.Add(typedIntoEmail);
        await factory.Api().PostAsync("/api/auth/sign-in/email", new { email = typedIntoEmail, password });
        await factory.Api(secrets[^1], "ws_" + new string('x', 60)).GetAsync("/v1/installs");
        await Task.Delay(500, TestContext.Current.CancellationToken); // let the last-use writer run

        var stored = await factory.DumpEveryColumnAsync();
        var logged = factory.Log.Text;
        Assert.NotEmpty(logged);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logged, StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteSecretHygieneTests(SqliteApiFactory factory) : SecretHygieneTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresSecretHygieneTests(PostgresApiFactory factory) : SecretHygieneTests(factory), IClassFixture<PostgresApiFactory>;
