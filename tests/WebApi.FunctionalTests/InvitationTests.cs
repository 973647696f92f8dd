using System.Text.Json;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// Members join by invitation only (issue 15, finding 9): the inviter learns nothing about who has an account,
/// and no one is added to a workspace without saying yes.
/// </summary>
public abstract class InvitationTests(AkuaApiFactory factory)
{
    private static IEnumerable<string> Shape(JsonElement element) => element.EnumerateObject().Select(p => p.Name).Order();

    private async Task<JsonElement> MembersAsync(TestUser owner) =>
        (await factory.Api(owner.Token, owner.WorkspaceId).ExpectAsync(200, HttpMethod.Get, "/v1/members")).GetProperty("data");

    [Fact]
    public async Task Inviting_answers_the_same_whether_or_not_an_account_exists()
    {
        var owner = await factory.SignUpAsync("Owner");
        var api = factory.Api(owner.Token, owner.WorkspaceId);

        // Both routes: /v1/members answered 404 for an unknown email and 201 with the person's name for a known one.
        foreach (var route in new[] { "/v1/invitations", "/v1/members" })
        {
            var existing = await factory.SignUpAsync("Victim");
            var known = await api.SendAsync(HttpMethod.Post, route, new { email = existing.Email, role = "member" });
            var unknown = await api.SendAsync(HttpMethod.Post, route, new { email = Accounts.NewEmail(), role = "member" });

            Assert.Equal(201, (int)known.StatusCode);
            Assert.Equal(201, (int)unknown.StatusCode);
            var (a, b) = (await known.JsonAsync(), await unknown.JsonAsync());
            Assert.Equal(Shape(a), Shape(b));
            foreach (var answer in new[] { a, b })
            {
                Assert.Equal("pending", answer.GetProperty("status").GetString());
                Assert.Equal(JsonValueKind.Null, answer.GetProperty("user_id").ValueKind);
                Assert.DoesNotContain("Victim", answer.ToString(), StringComparison.Ordinal);
            }
        }

        // And nobody was added.
        Assert.Equal(1, (await MembersAsync(owner)).GetArrayLength());
    }

    [Fact]
    public async Task No_one_is_added_until_they_accept_and_then_with_the_invited_role()
    {
        var owner = await factory.SignUpAsync("Owner");
        var invitee = await factory.SignUpAsync("Invitee");
        var api = factory.Api(owner.Token, owner.WorkspaceId);
        var invitation = await api.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = invitee.Email.ToUpperInvariant(), role = "admin" });
        var id = invitation.GetProperty("id").GetString();
        var code = new { code = invitation.GetProperty("code").GetString() };
        Assert.StartsWith("inv_", id, StringComparison.Ordinal);
        Assert.Equal($"http://localhost/invitations?code={code.code}", invitation.GetProperty("accept_url").GetString());
        Assert.Equal(1, (await MembersAsync(owner)).GetArrayLength());
        await (await factory.Api(invitee.Token, owner.WorkspaceId).GetAsync("/v1/installs")).AssertErrorAsync(403, "forbidden");
        Assert.Equal(id, (await api.ExpectAsync(200, HttpMethod.Get, "/v1/invitations")).GetProperty("data")[0].GetProperty("id").GetString());

        var mine = (await factory.Api(invitee.Token).ExpectAsync(200, HttpMethod.Get, "/v1/user/invitations")).GetProperty("data");
        var offer = Assert.Single(mine.EnumerateArray());
        Assert.Equal(owner.WorkspaceId, offer.GetProperty("workspace").GetProperty("id").GetString());
        Assert.Equal("admin", offer.GetProperty("role").GetString());
        Assert.True(offer.GetProperty("requires_code").GetBoolean());
        // The list never shows the code again.
        Assert.Equal(JsonValueKind.Null, (await api.ExpectAsync(200, HttpMethod.Get, "/v1/invitations")).GetProperty("data")[0].GetProperty("code").ValueKind);

        var joined = await factory.Api(invitee.Token).ExpectAsync(200, HttpMethod.Post, $"/v1/user/invitations/{id}/accept", code);
        Assert.Equal("admin", joined.GetProperty("role").GetString());
        Assert.Contains((await MembersAsync(owner)).EnumerateArray(), m => m.GetProperty("user_id").GetString() == invitee.UserId && m.GetProperty("role").GetString() == "admin");
        await factory.Api(invitee.Token, owner.WorkspaceId).ExpectAsync(200, HttpMethod.Get, "/v1/installs");

        // Once only; and it is no longer open anywhere.
        await (await factory.Api(invitee.Token).PostAsync($"/v1/user/invitations/{id}/accept", code)).AssertErrorAsync(409, "conflict");
        Assert.Equal(0, (await factory.Api(invitee.Token).ExpectAsync(200, HttpMethod.Get, "/v1/user/invitations")).GetProperty("data").GetArrayLength());
        Assert.Equal(0, (await api.ExpectAsync(200, HttpMethod.Get, "/v1/invitations")).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Declined_revoked_and_other_peoples_invitations_cannot_be_accepted()
    {
        var owner = await factory.SignUpAsync("Owner");
        var invitee = await factory.SignUpAsync("Invitee");
        var stranger = await factory.SignUpAsync("Stranger");
        var api = factory.Api(owner.Token, owner.WorkspaceId);
        var me = factory.Api(invitee.Token);

        var sent = await api.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = invitee.Email, role = "member" });
        var declined = sent.GetProperty("id").GetString();
        var code = new { code = sent.GetProperty("code").GetString() };
        // The code is no key for anyone else.
        await (await factory.Api(stranger.Token).PostAsync($"/v1/user/invitations/{declined}/accept", code)).AssertErrorAsync(404, "not_found");
        Assert.Equal(0, (await factory.Api(stranger.Token).ExpectAsync(200, HttpMethod.Get, "/v1/user/invitations")).GetProperty("data").GetArrayLength());
        await me.ExpectAsync(204, HttpMethod.Post, $"/v1/user/invitations/{declined}/decline", code);
        await (await me.PostAsync($"/v1/user/invitations/{declined}/accept", code)).AssertErrorAsync(409, "conflict");

        // By user id this time; revoked before it is accepted.
        var revoked = (await api.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { user_id = invitee.UserId, role = "member" })).GetProperty("id").GetString();
        Assert.Single((await me.ExpectAsync(200, HttpMethod.Get, "/v1/user/invitations")).GetProperty("data").EnumerateArray());
        await api.ExpectAsync(204, HttpMethod.Delete, $"/v1/invitations/{revoked}");
        await (await api.DeleteAsync($"/v1/invitations/{revoked}")).AssertErrorAsync(409, "conflict");
        await (await me.PostAsync($"/v1/user/invitations/{revoked}/accept")).AssertErrorAsync(409, "conflict");
        await (await me.PostAsync("/v1/user/invitations/inv_not-an-id/accept")).AssertErrorAsync(404, "not_found");
        Assert.Equal(1, (await MembersAsync(owner)).GetArrayLength());
    }

    [Fact]
    public async Task Holding_the_invited_email_is_not_enough_without_the_code_the_inviter_sent()
    {
        // Emails are not verified: whoever signs up first with the invited address (before or after the invitation)
        // holds its account. The invitation shows there, but only the code from the link accepts it.
        var owner = await factory.SignUpAsync("Owner");
        var email = Accounts.NewEmail();
        var sent = await factory.Api(owner.Token, owner.WorkspaceId).ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email, role = "owner" });
        var id = sent.GetProperty("id").GetString();

        var body = await factory.Api().ExpectAsync(201, HttpMethod.Post, "/api/auth/sign-up/email", Accounts.SignUpBody(email.ToUpperInvariant()));
        var holder = factory.Api(body.GetProperty("token").GetString());
        var offer = (await holder.ExpectAsync(200, HttpMethod.Get, "/v1/user/invitations")).GetProperty("data")[0];
        Assert.Equal(id, offer.GetProperty("id").GetString());
        Assert.True(offer.GetProperty("requires_code").GetBoolean());

        await (await holder.PostAsync($"/v1/user/invitations/{id}/accept")).AssertErrorAsync(403, "forbidden");
        await (await holder.PostAsync($"/v1/user/invitations/{id}/accept", new { code = "akinv_" + new string('x', 32) })).AssertErrorAsync(403, "forbidden");
        await (await holder.PostAsync($"/v1/user/invitations/{id}/decline")).AssertErrorAsync(403, "forbidden");
        Assert.Equal(1, (await MembersAsync(owner)).GetArrayLength());

        // With the link's code (the person it was sent to), it works.
        var joined = await holder.ExpectAsync(200, HttpMethod.Post, $"/v1/user/invitations/{id}/accept", new { code = sent.GetProperty("code").GetString() });
        Assert.Equal("owner", joined.GetProperty("role").GetString());
    }

    [Fact]
    public async Task An_invitation_is_worth_no_more_than_its_inviters_authority_when_accepted()
    {
        var owner = await factory.SignUpAsync("Owner");
        var admin = await factory.SignUpAsync("Admin");
        var asOwner = factory.Api(owner.Token, owner.WorkspaceId);
        await factory.InviteAndAcceptAsync(asOwner, admin, "admin");
        var (tokenId, token) = await asOwner.CreateApiTokenAsync("admin");

        var byAdmin = await factory.Api(admin.Token, owner.WorkspaceId).ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = Accounts.NewEmail(), role = "admin" });
        var byToken = await factory.Api(token).ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { user_id = (await factory.SignUpAsync("Invitee")).UserId, role = "admin" });
        Assert.Equal(admin.UserId, byAdmin.GetProperty("invited_by").GetString());
        Assert.Equal(tokenId, byToken.GetProperty("invited_by").GetString());

        // The admin is demoted and the token revoked before anyone accepts.
        await asOwner.ExpectAsync(200, HttpMethod.Patch, $"/v1/members/{admin.UserId}", new { role = "member" });
        await asOwner.ExpectAsync(204, HttpMethod.Delete, $"/v1/api_tokens/{tokenId}");

        var invitee = factory.Api((await factory.Api().ExpectAsync(201, HttpMethod.Post, "/api/auth/sign-up/email", Accounts.SignUpBody(byAdmin.GetProperty("email").GetString()))).GetProperty("token").GetString());
        await (await invitee.PostAsync($"/v1/user/invitations/{byAdmin.GetProperty("id").GetString()}/accept", new { code = byAdmin.GetProperty("code").GetString() })).AssertErrorAsync(409, "conflict");
        Assert.Equal(2, (await MembersAsync(owner)).GetArrayLength());
        Assert.Equal(JsonValueKind.Null, byToken.GetProperty("code").ValueKind); // by user id: no code needed, the account is the proof
    }

    [Fact]
    public async Task A_workspace_has_at_most_100_open_invitations()
    {
        var owner = await factory.SignUpAsync("Owner");
        var api = factory.Api(owner.Token, owner.WorkspaceId);
        string? last = null;
        for (var i = 0; i < 100; i++)
        {
            last = (await api.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = Accounts.NewEmail(), role = "member" })).GetProperty("id").GetString();
        }

        await (await api.PostAsync("/v1/invitations", new { email = Accounts.NewEmail(), role = "member" })).AssertErrorAsync(409, "conflict");
        await api.ExpectAsync(204, HttpMethod.Delete, $"/v1/invitations/{last}");
        await api.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = Accounts.NewEmail(), role = "member" });
    }

    [Fact]
    public async Task Only_owners_invite_owners_and_members_invite_no_one()
    {
        var owner = await factory.SignUpAsync("Owner");
        var admin = await factory.SignUpAsync("Admin");
        var member = await factory.SignUpAsync("Member");
        var asOwner = factory.Api(owner.Token, owner.WorkspaceId);
        await factory.InviteAndAcceptAsync(asOwner, admin, "admin");
        await factory.InviteAndAcceptAsync(asOwner, member, "member");
        var asAdmin = factory.Api(admin.Token, owner.WorkspaceId);

        await (await asAdmin.PostAsync("/v1/invitations", new { email = Accounts.NewEmail(), role = "owner" })).AssertErrorAsync(403, "forbidden");
        var ownerInvitation = (await asOwner.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = Accounts.NewEmail(), role = "owner" })).GetProperty("id").GetString();
        await (await asAdmin.DeleteAsync($"/v1/invitations/{ownerInvitation}")).AssertErrorAsync(403, "forbidden");
        await asAdmin.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = Accounts.NewEmail(), role = "admin" });
        await (await factory.Api(member.Token, owner.WorkspaceId).PostAsync("/v1/invitations", new { email = Accounts.NewEmail(), role = "member" })).AssertErrorAsync(403, "forbidden");

        // A member of the workspace, or someone already invited, is a conflict (the workspace's admins see both anyway).
        await (await asOwner.PostAsync("/v1/invitations", new { email = member.Email, role = "admin" })).AssertErrorAsync(409, "conflict");
        var email = Accounts.NewEmail();
        await asOwner.ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email, role = "member" });
        await (await asOwner.PostAsync("/v1/invitations", new { email, role = "member" })).AssertErrorAsync(409, "conflict");
        await (await asOwner.PostAsync("/v1/invitations", new { user_id = "not-a-user-id", role = "member" })).AssertErrorAsync(422, "validation_error");
        await (await asOwner.PostAsync("/v1/invitations", new { email, user_id = member.UserId, role = "member" })).AssertErrorAsync(422, "validation_error");
    }
}

public sealed class SqliteInvitationTests(SqliteApiFactory factory) : InvitationTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresInvitationTests(PostgresApiFactory factory) : InvitationTests(factory), IClassFixture<PostgresApiFactory>;

public sealed class InvitationExpiryTests(FakeClockApiFactory factory) : IClassFixture<FakeClockApiFactory>
{
    [Fact]
    public async Task An_invitation_expires_after_seven_days()
    {
        var owner = await factory.SignUpAsync("Owner");
        var invitee = await factory.SignUpAsync("Invitee");
        var sent = await factory.Api(owner.Token, owner.WorkspaceId).ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = invitee.Email, role = "member" });
        var id = sent.GetProperty("id").GetString();

        factory.Clock!.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        Assert.Equal(0, (await factory.Api(invitee.Token).ExpectAsync(200, HttpMethod.Get, "/v1/user/invitations")).GetProperty("data").GetArrayLength());
        var error = await (await factory.Api(invitee.Token).PostAsync($"/v1/user/invitations/{id}/accept", new { code = sent.GetProperty("code").GetString() })).AssertErrorAsync(409, "conflict");
        Assert.Contains("expired", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        // And it can be sent again.
        await factory.Api(owner.Token, owner.WorkspaceId).ExpectAsync(201, HttpMethod.Post, "/v1/invitations", new { email = invitee.Email, role = "member" });
    }
}
