using Akua.Infrastructure.Persistence;
using Akua.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.WebApi.FunctionalTests;

public sealed class SignUpTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    private const string SignUp = "/api/auth/sign-up/email";

    [Fact]
    public async Task Sign_up_answers_a_session_token_that_lives_one_year_and_the_user()
    {
        var email = Accounts.NewEmail();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var response = await factory.CreateClient().PostJsonAsync(SignUp, Accounts.SignUpBody(email));

        Assert.Equal(201, (int)response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Matches("^[A-Za-z0-9]{32}$", body.GetProperty("token").GetString());
        var expiresAt = body.GetProperty("expires_at").GetInt64();
        Assert.InRange(expiresAt - before, (365 * 86400) - 5, (365 * 86400) + 5);
        Assert.Matches("^usr_[0-9a-f]{32}$", body.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(email, body.GetProperty("user").GetProperty("email").GetString());
    }

    [Fact]
    public async Task Sign_up_creates_a_personal_workspace_the_user_owns()
    {
        var response = await factory.CreateClient().PostJsonAsync(SignUp, Accounts.SignUpBody(name: "Zoë Example"));
        var userId = (await response.JsonAsync()).GetProperty("user").GetProperty("id").GetString()!;

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AkuaDbContext>();
        var memberships = await db.Memberships.ToListAsync(TestContext.Current.CancellationToken);
        var membership = Assert.Single(memberships, m => m.UserId.ToString() == userId);
        Assert.Equal(Akua.Domain.Workspaces.WorkspaceRole.Owner, membership.Role);
        var workspace = await db.Workspaces.SingleAsync(w => w.Id == membership.WorkspaceId, TestContext.Current.CancellationToken);
        Assert.Equal("Zoë Example's workspace", workspace.Name);
    }

    [Fact]
    public async Task The_same_email_in_another_case_is_a_conflict()
    {
        var email = Accounts.NewEmail();
        var client = factory.CreateClient();
        Assert.Equal(201, (int)(await client.PostJsonAsync(SignUp, Accounts.SignUpBody(email))).StatusCode);

        var response = await client.PostJsonAsync(SignUp, Accounts.SignUpBody(email.ToUpperInvariant()));

        await response.AssertErrorAsync(409, "conflict");
    }

    [Fact]
    public async Task Neither_the_token_nor_the_password_is_stored_in_plaintext()
    {
        const string password = "a very particular password";
        var response = await factory.CreateClient().PostJsonAsync(SignUp, Accounts.SignUpBody(password: password));
        var token = (await response.JsonAsync()).GetProperty("token").GetString()!;

        var dump = await factory.DumpEveryColumnAsync();

        Assert.DoesNotContain(token, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(password, dump, StringComparison.Ordinal);
    }
}
