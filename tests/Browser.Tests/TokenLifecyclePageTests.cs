using Microsoft.Playwright;

namespace Akua.Browser.Tests;

/// <summary>
/// Rolling a token, the lifetime policy and the audit log (issue 18), and least privilege (issue 19), clicked
/// through in Chromium.
/// </summary>
public sealed class TokenLifecyclePageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task An_owner_rolls_a_token_sets_a_policy_and_reads_it_all_in_the_audit_log(int width)
    {
        fixture.RequireBrowser();
        var account = await fixture.NewAccountAsync();
        var created = await fixture.ApiAsync(HttpMethod.Post, "/v1/api_tokens", account.Session, account.WorkspaceId,
            new { name = "deploy bot", expires_at = DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeSeconds() });
        var old = created.GetProperty("token").GetString()!;
        Assert.Equal(200, await fixture.WhoAmIStatusAsync(old)); // a use, so the chart has a bar once it is written
        var page = await fixture.SignedInPageAsync(account, width);
        try
        {
            await page.GotoAsync("/settings/api-tokens");
            var row = page.Locator($"#tokens tr[data-token-id='{created.GetProperty("id").GetString()}']");
            await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("expires soon");
            await Assertions.Expect(row.Locator("svg.usage-chart")).ToHaveCountAsync(1);

            // Roll with an hour's overlap: the new token is shown once, both work, the old row says it was replaced.
            await row.Locator("a.roll").ClickAsync();
            await Assertions.Expect(page.Locator("#confirm-roll")).ToContainTextAsync("deploy bot");
            await page.SelectOptionAsync("#roll-overlap", "3600");
            await page.ClickAsync("#confirm-roll-button");
            await Assertions.Expect(page.Locator("#created h3")).ToContainTextAsync("rolled");
            var fresh = (await page.Locator("#new-token").TextContentAsync())!.Trim();
            Assert.Matches("^sk_akua_[A-Za-z0-9]{32}$", fresh);
            Assert.Equal(200, await fixture.WhoAmIStatusAsync(fresh));
            Assert.Equal(200, await fixture.WhoAmIStatusAsync(old));
            await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("replaced");
            await Assertions.Expect(row.Locator("a.roll")).ToHaveCountAsync(0);
            await BrowserFixture.ScreenshotAsync(page, $"issue18-rolled-{width}");

            // The owner limits lifetimes to 30 days: the form then offers nothing longer, and never.
            await page.SelectOptionAsync("#policy-max", "30");
            await page.ClickAsync("#save-policy");
            await Assertions.Expect(page.Locator("#policy-saved")).ToContainTextAsync("30 days");
            var choices = await page.Locator("#token-expiry option").AllTextContentsAsync();
            Assert.DoesNotContain("never", choices);
            Assert.DoesNotContain("in 90 days", choices);
            Assert.Contains("in 30 days", choices);
            await Assertions.Expect(page.Locator("#policy-note")).ToContainTextAsync("30 days");

            // The audit log shows all three, newest first.
            await page.GotoAsync("/settings/audit");
            var actions = await page.Locator("#events code.action").AllTextContentsAsync();
            Assert.Equal(["workspace.policy_changed", "api_token.rolled", "api_token.created"], actions.Take(3));
            await page.SelectOptionAsync("#audit-action", "api_token.");
            await page.ClickAsync("#audit-show");
            await BrowserFixture.ArrivedAsync(page, url => url.Contains("action=api_token.", StringComparison.Ordinal));
            Assert.All(await page.Locator("#events code.action").AllTextContentsAsync(), a => Assert.StartsWith("api_token.", a, StringComparison.Ordinal));
            await page.CheckAsync("#audit-mine");
            await page.SelectOptionAsync("#audit-action", "user.");
            await page.ClickAsync("#audit-show");
            await BrowserFixture.ArrivedAsync(page, url => url.Contains("mine=true", StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("#events")).ToContainTextAsync("user.signed_up");
            await BrowserFixture.ScreenshotAsync(page, $"issue18-audit-{width}");
            var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
            Assert.False(overflow, $"the audit page scrolls sideways at {width} px");
        }
        finally
        {
            await BrowserFixture.CloseAsync(page);
        }
    }

    /// <summary>A narrow, address-bound token made on the page, and used the way CI would use it.</summary>
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task An_admin_makes_a_deploy_only_token_bound_to_addresses_and_it_holds_exactly_that(int width)
    {
        fixture.RequireBrowser();
        var account = await fixture.NewAccountAsync();
        var page = await fixture.SignedInPageAsync(account, width);
        try
        {
            await page.GotoAsync("/settings/api-tokens");
            await page.FillAsync("#token-name", "deploy from CI");
            await page.CheckAsync("#access-deploy");
            await page.FillAsync("#token-allowed-ips", "127.0.0.1\n2001:db8::/32");
            await page.ClickAsync("#create");
            var token = (await page.Locator("#new-token").TextContentAsync())!.Trim();
            var row = page.Locator("#tokens tr", new() { HasText = "deploy from CI" });
            await Assertions.Expect(row.Locator(".permissions")).ToHaveTextAsync("installs:write");
            await Assertions.Expect(row.Locator(".allowed-ips")).ToContainTextAsync("127.0.0.1/32, 2001:db8::/32");
            await BrowserFixture.ScreenshotAsync(page, $"issue19-deploy-token-{width}");
            var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
            Assert.False(overflow, $"the tokens page scrolls sideways at {width} px");

            // From this machine (127.0.0.1): it deploys, and does nothing else.
            Assert.Equal(201, await StatusAsync(HttpMethod.Post, "/v1/installs", token, new { name = "web", product = "nginx" }));
            Assert.Equal(403, await StatusAsync(HttpMethod.Get, "/v1/members", token));

            // Chosen permissions, bound elsewhere: refused here.
            await page.FillAsync("#token-name", "auditor");
            await page.CheckAsync("#access-custom");
            await page.ClickAsync("#token-permissions summary");
            await page.CheckAsync("#permission-audit-read");
            await page.FillAsync("#token-allowed-ips", "192.0.2.0/24");
            await page.ClickAsync("#create");
            var auditor = (await page.Locator("#new-token").TextContentAsync())!.Trim();
            await Assertions.Expect(page.Locator("#tokens tr", new() { HasText = "auditor" }).Locator(".permissions")).ToHaveTextAsync("audit:read");
            Assert.Equal(403, await fixture.WhoAmIStatusAsync(auditor));

            // A typo is named, with the network it probably meant; nothing is created.
            await page.FillAsync("#token-name", "typo");
            await page.CheckAsync("#access-read");
            await page.FillAsync("#token-allowed-ips", "203.0.113.5/24");
            await page.ClickAsync("#create");
            await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("did you mean 203.0.113.0/24");
            await Assertions.Expect(page.Locator("#tokens tr", new() { HasText = "typo" })).ToHaveCountAsync(0);
        }
        finally
        {
            await BrowserFixture.CloseAsync(page);
        }

        async Task<int> StatusAsync(HttpMethod method, string path, string token, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body) };
            request.Headers.Authorization = new("Bearer", token);
            return (int)(await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode;
        }
    }
}
