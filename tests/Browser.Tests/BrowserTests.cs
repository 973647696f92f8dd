using Microsoft.Playwright;

namespace Akua.Browser.Tests;

/// <summary>A person in a real browser: signs up, approves or denies a CLI login, manages API tokens and sessions.</summary>
public sealed class BrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static string NewEmail() => $"person-{Guid.NewGuid():N}@example.com";

    private static async Task SignUpAsync(IPage page, string shot = "")
    {
        await page.GotoAsync("/signup");
        await page.FillAsync("#Name", "Pat Example");
        await page.FillAsync("#Email", NewEmail());
        await page.FillAsync("#Password", "correct horse battery");
        if (shot.Length > 0)
        {
            await BrowserFixture.ScreenshotAsync(page, shot);
        }

        await page.ClickAsync("button[type=submit]");
        await BrowserFixture.ArrivedAsync(page, url => !url.Contains("/signup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_up_then_approve_a_device_login_and_the_device_gets_a_working_token()
    {
        var page = await fixture.NewPageAsync();
        await SignUpAsync(page, "01-signup");
        await BrowserFixture.ScreenshotAsync(page, "02-home");

        var login = await fixture.StartDeviceLoginAsync();
        await page.GotoAsync(login.GetProperty("verification_uri_complete").GetString()!);
        // The link fills the code in; the person checks it against the terminal and continues (RFC 8628 3.3.1).
        await Assertions.Expect(page.Locator("input[name=user_code]")).ToHaveValueAsync(login.GetProperty("user_code").GetString()!);
        await page.ClickAsync("#lookup");
        await Assertions.Expect(page.Locator("#client-name")).ToContainTextAsync("Akua CLI");
        await Assertions.Expect(page.Locator("#user-code")).ToHaveTextAsync(login.GetProperty("user_code").GetString()!);
        await BrowserFixture.ScreenshotAsync(page, "03-device-confirm");
        await page.ClickAsync("#approve");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Device approved");
        await BrowserFixture.ScreenshotAsync(page, "04-device-approved");

        await Task.Delay(TimeSpan.FromSeconds(login.GetProperty("interval").GetInt32()), TestContext.Current.CancellationToken);
        var token = await fixture.PollAsync(login.GetProperty("device_code").GetString()!);
        Assert.True(token.TryGetProperty("access_token", out var accessToken), token.ToString());
        Assert.Equal(200, await fixture.WhoAmIStatusAsync(accessToken.GetString()!));
    }

    [Fact]
    public async Task Typing_the_code_by_hand_and_denying_gives_the_device_access_denied()
    {
        var page = await fixture.NewPageAsync();
        await SignUpAsync(page);
        var login = await fixture.StartDeviceLoginAsync();

        await page.GotoAsync("/device");
        await BrowserFixture.ScreenshotAsync(page, "05-device-enter-code");
        await page.FillAsync("input[name=user_code]", login.GetProperty("user_code").GetString()!.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
        await page.ClickAsync("#lookup");
        await page.ClickAsync("#deny");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Request denied");

        var answer = await fixture.PollAsync(login.GetProperty("device_code").GetString()!);
        Assert.Equal("access_denied", answer.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_api_tokens_page_creates_a_token_that_works_and_revokes_it()
    {
        var page = await fixture.NewPageAsync();
        await SignUpAsync(page);
        await page.GotoAsync("/settings/api-tokens");
        await Assertions.Expect(page.Locator(".empty")).ToContainTextAsync("No API tokens");
        await BrowserFixture.ScreenshotAsync(page, "06-api-tokens-empty");

        await page.FillAsync("#token-name", "deploy bot");
        await page.SelectOptionAsync("#token-expiry", "30");
        await page.ClickAsync("#create");
        var token = (await page.Locator("#new-token").TextContentAsync())!.Trim();
        Assert.Matches("^sk_akua_[A-Za-z0-9]{32}$", token);
        await Assertions.Expect(page.Locator("#tokens")).ToContainTextAsync("deploy bot");
        await BrowserFixture.ScreenshotAsync(page, "07-api-token-created");
        Assert.Equal(200, await fixture.WhoAmIStatusAsync(token));

        // Shown once: a reload lists the token by its prefix only, and creates nothing.
        Assert.DoesNotContain("handler=", page.Url, StringComparison.Ordinal); // post, redirect, get: a reload is a GET
        await page.GotoAsync(page.Url); // what a reload does here: the redirect target, fetched again
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#tokens tbody tr")).ToHaveCountAsync(1);

        await page.ClickAsync("#tokens a.revoke");
        await Assertions.Expect(page.Locator("#confirm-revoke")).ToContainTextAsync("deploy bot");
        await BrowserFixture.ScreenshotAsync(page, "08-api-token-revoke-confirm");
        await page.ClickAsync("#confirm");
        await Assertions.Expect(page.Locator(".success")).ToContainTextAsync("was revoked");
        Assert.Equal(401, await fixture.WhoAmIStatusAsync(token));
    }

    [Fact]
    public async Task A_cross_site_form_post_cannot_approve_a_device()
    {
        var page = await fixture.NewPageAsync();
        await SignUpAsync(page);
        var login = await fixture.StartDeviceLoginAsync();
        var code = login.GetProperty("user_code").GetString();

        // Another origin's page posts the approval form on the signed-in user's behalf.
        await page.SetContentAsync($"""
            <form id="attack" method="post" action="{fixture.BaseAddress}device?handler=Approve">
              <input name="user_code" value="{code}">
            </form>
            """);
        var answer = page.WaitForResponseAsync(r => r.Url.Contains("handler=Approve", StringComparison.Ordinal));
        await page.EvalOnSelectorAsync("#attack", "f => f.submit()");

        Assert.NotEqual(200, (await answer).Status);
        await Task.Delay(TimeSpan.FromSeconds(login.GetProperty("interval").GetInt32()), TestContext.Current.CancellationToken);
        Assert.Equal("authorization_pending", (await fixture.PollAsync(login.GetProperty("device_code").GetString()!)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_sessions_page_shows_this_browser_and_sign_out_ends_the_session()
    {
        var page = await fixture.NewPageAsync();
        await SignUpAsync(page);
        await page.GotoAsync("/settings/sessions");
        await Assertions.Expect(page.Locator("#sessions")).ToContainTextAsync("this browser");
        await BrowserFixture.ScreenshotAsync(page, "09-sessions");

        await page.ClickAsync("#sign-out");
        await BrowserFixture.ArrivedAsync(page, url => url.Contains("/login", StringComparison.Ordinal));
        await BrowserFixture.ScreenshotAsync(page, "10-login");
        await page.GotoAsync("/settings/sessions");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
    }
}
