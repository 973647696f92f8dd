using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>Expiry decided exactly, with the server's clock moved by the test.</summary>
public sealed class ExpiryTests(FakeClockApiFactory factory) : IClassFixture<FakeClockApiFactory>
{
    [Fact]
    public async Task An_expired_api_token_is_refused()
    {
        var ann = await factory.SignUpAsync();
        var expiresAt = factory.Clock!.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync(expiresAt: expiresAt);
        await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/installs");

        factory.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await (await factory.Api(token).GetAsync("/v1/installs")).AssertErrorAsync(401, "unauthorized");
    }

    [Fact]
    public async Task A_used_session_slides_and_an_unused_one_expires_after_a_year()
    {
        var active = await factory.SignUpAsync();
        var idle = await factory.SignUpAsync();

        factory.Clock!.Advance(TimeSpan.FromDays(200));
        await factory.Api(active.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        factory.Clock.Advance(TimeSpan.FromDays(200));

        // 400 days after sign-up: the session used at day 200 lives until day 565; the idle one died at 365.
        await factory.Api(active.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        await (await factory.Api(idle.Token).GetAsync("/v1/auth/whoami")).AssertErrorAsync(401, "unauthorized");
    }
}
