using System.Text.Json;
using Microsoft.Playwright;

namespace Akua.Browser.Tests;

/// <summary>
/// Every page as a person meets it on a laptop and on a phone: nothing scrolls sideways and every action in a
/// list is on screen, with lists full of long names; error pages in HTML; the device page's states; sessions
/// named after their device; a form error where a 500 was.
/// </summary>
public sealed class LayoutTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly int[] Widths = [1280, 1440, 1920, 390];

    private const string ChromeOnLinux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private static readonly string[] UserAgents =
    [
        ChromeOnLinux,
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "cnap/0.3.0 (Linux; X64)",
        "curl/8.5.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0 " + new string('x', 300),
    ];

    [Fact]
    public async Task No_page_scrolls_sideways_and_every_row_action_is_on_screen_at_laptop_and_phone_widths()
    {
        fixture.RequireBrowser();
        var account = await fixture.NewAccountAsync("Alexandria Wellington-Featherstonehaugh of the Extremely Long Surnames");
        for (var i = 0; i < 12; i++)
        {
            var name = $"deploy-{i:00}-" + new string('n', 80);
            await fixture.ApiAsync(HttpMethod.Post, "/v1/api_tokens", account.Session, account.WorkspaceId, new { name, expires_at = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds() });
        }

        for (var i = 0; i < 11; i++)
        {
            await fixture.SignInAsAsync(account, UserAgents[i % UserAgents.Length]);
        }

        var client = await fixture.ApiAsync(HttpMethod.Post, "/v1/oauth_clients", account.Session, account.WorkspaceId,
            new { name = "An integration with a rather long name", redirect_uris = new[] { "https://integration.example/oauth/callback" }, type = "public" });
        var consent = "/oauth/authorize?response_type=code&scope=api&state=s&code_challenge_method=S256&code_challenge=" + new string('a', 43) +
            "&client_id=" + client.GetProperty("client_id").GetString() + "&redirect_uri=" + Uri.EscapeDataString("https://integration.example/oauth/callback");
        // The longest consent page: a client registered for everything, asking for every scope.
        string[] everything = ["installs:write", "api_tokens:write", "members:write", "oauth_clients:write", "audit:read", "workspace:write"]; // writes imply reads
        var manager = await fixture.ApiAsync(HttpMethod.Post, "/v1/oauth_clients", account.Session, account.WorkspaceId,
            new { name = "An integration that manages everything", redirect_uris = new[] { "https://integration.example/oauth/callback" }, type = "public", scopes = everything });
        var consentAll = consent.Replace("scope=api", "scope=" + Uri.EscapeDataString(string.Join(' ', everything)), StringComparison.Ordinal)
            .Replace(client.GetProperty("client_id").GetString()!, manager.GetProperty("client_id").GetString()!, StringComparison.Ordinal);
        var device = (await fixture.StartDeviceLoginAsync()).GetProperty("verification_uri_complete").GetString()!;

        (string Name, string Path, string? Click)[] anonymous = [("home", "/", null), ("login", "/login", null), ("signup", "/signup", null), ("not-found", "/no-such-page", null)];
        (string Name, string Path, string? Click)[] signedIn =
        [
            ("home-signed-in", "/", null), ("device", "/device", null), ("device-prefilled", device, null), ("device-confirm", device, "#lookup"),
            ("api-tokens", "/settings/api-tokens", null), ("sessions", "/settings/sessions", null), ("audit", "/settings/audit", null),
            ("audit-mine", "/settings/audit?mine=true", null), ("consent", consent, null), ("consent-every-scope", consentAll, null),
            ("not-found-signed-in", "/no-such-page", null),
        ];
        var failures = new List<string>();
        foreach (var width in Widths)
        {
            var visitor = await fixture.NewPageAsync(width);
            foreach (var (name, path, click) in anonymous)
            {
                failures.AddRange(await CheckAsync(visitor, name, path, width, click));
            }

            await BrowserFixture.CloseAsync(visitor);
            var page = await fixture.SignedInPageAsync(account, width);
            foreach (var (name, path, click) in signedIn)
            {
                failures.AddRange(await CheckAsync(page, name, path, width, click));
            }

            await BrowserFixture.CloseAsync(page);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Loads <paramref name="path"/>; returns what does not fit. Screenshots at 1280 and 390 px.</summary>
    /// <param name="click">A button to press after loading (the page that a form answers).</param>
    private static async Task<IEnumerable<string>> CheckAsync(IPage page, string name, string path, int width, string? click = null)
    {
        await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.Load);
        if (click is not null)
        {
            await page.ClickAsync(click);
            await page.WaitForLoadStateAsync(LoadState.Load);
        }

        if (width is 1280 or 390)
        {
            await BrowserFixture.ScreenshotAsync(page, $"layout-{name}-{width}");
        }

        var problems = await page.EvaluateAsync<string[]>("""
            () => {
              const problems = [];
              const root = document.documentElement;
              if (root.scrollWidth > window.innerWidth) problems.push(`page is ${root.scrollWidth} px wide`);
              for (const el of document.querySelectorAll('table a, table button, .actions button, header a, header button')) {
                const box = el.getBoundingClientRect();
                if (box.width === 0) continue;
                if (box.left < 0 || box.right > window.innerWidth + 0.5)
                  problems.push(`"${el.textContent.trim()}" spans ${Math.round(box.left)}..${Math.round(box.right)} px`);
              }
              return problems;
            }
            """);
        return problems.Select(p => $"{path} at {width} px: {p}");
    }

    [Fact]
    public async Task An_unknown_page_is_an_html_page_in_the_sites_layout_while_the_api_keeps_its_json()
    {
        var page = await fixture.NewPageAsync();
        var missing = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 404 && !response.Url.Contains("/no-such-page", StringComparison.Ordinal))
            {
                missing.Add(response.Url);
            }
        };

        var answer = await page.GotoAsync("/no-such-page");
        Assert.Equal(404, answer!.Status);
        Assert.StartsWith("text/html", answer.Headers["content-type"], StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Page not found");
        await Assertions.Expect(page.Locator("header .brand")).ToBeVisibleAsync();
        await page.GotoAsync("/login");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Empty(missing); // the favicon and every asset load: no page logs a 404

        var api = await fixture.Http.GetAsync("/v1/no-such-route", TestContext.Current.CancellationToken);
        Assert.Equal(404, (int)api.StatusCode);
        var json = JsonDocument.Parse(await api.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("not_found", json.GetProperty("error").GetProperty("code").GetString());
        await BrowserFixture.CloseAsync(page);
    }

    [Fact]
    public async Task The_device_page_says_when_a_code_was_already_approved_or_denied_and_offers_no_buttons()
    {
        var account = await fixture.NewAccountAsync();
        var page = await fixture.SignedInPageAsync(account);
        var approved = (await fixture.StartDeviceLoginAsync()).GetProperty("verification_uri_complete").GetString()!;
        var denied = (await fixture.StartDeviceLoginAsync()).GetProperty("verification_uri_complete").GetString()!;

        await page.GotoAsync(approved);
        await page.ClickAsync("#lookup");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Approve this sign-in?");
        await page.ClickAsync("#approve");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Device approved");
        await page.GotoAsync(approved);
        await page.ClickAsync("#lookup");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("This sign-in was already approved");
        await Assertions.Expect(page.Locator("#approve")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "11-device-already-approved");

        await page.GotoAsync(denied);
        await page.ClickAsync("#lookup");
        await page.ClickAsync("#deny");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Request denied");
        await page.GotoAsync(denied);
        await page.ClickAsync("#lookup");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("This sign-in was denied");
        await Assertions.Expect(page.Locator("#approve, #deny")).ToHaveCountAsync(0);
        await BrowserFixture.CloseAsync(page);
    }

    [Fact]
    public async Task Sessions_are_named_after_their_device_and_this_browser_is_marked()
    {
        var account = await fixture.NewAccountAsync();
        await fixture.SignInAsAsync(account, ChromeOnLinux);
        await fixture.SignInAsAsync(account, "cnap/0.3.0 (Linux; X64)");
        var page = await fixture.SignedInPageAsync(account);

        await page.GotoAsync("/settings/sessions");
        var names = await page.Locator("#sessions .device-name").AllTextContentsAsync();
        Assert.Contains("Chrome on Linux", names);
        Assert.Contains("cnap 0.3.0 on Linux", names);
        await Assertions.Expect(page.Locator("#sessions mark.current")).ToHaveCountAsync(1);
        await BrowserFixture.CloseAsync(page);
    }

    [Fact]
    public async Task An_absurd_expiry_in_the_token_form_is_a_form_error_not_a_server_error()
    {
        var account = await fixture.NewAccountAsync();
        var page = await fixture.SignedInPageAsync(account);
        await page.GotoAsync("/settings/api-tokens");

        // What a hand-made post (or an old page) sends: a value the form never offers.
        await page.EvaluateAsync("() => { const s = document.getElementById('token-expiry'); s.add(new Option('absurd', '3000000')); s.value = '3000000'; }");
        await page.FillAsync("#token-name", "absurd");
        var posted = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.Contains("/settings/api-tokens", StringComparison.Ordinal));
        await page.ClickAsync("#create");

        Assert.Equal(200, (await posted).Status);
        await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("Choose when the token expires");
        await Assertions.Expect(page.Locator(".empty")).ToContainTextAsync("No API tokens");
        await BrowserFixture.CloseAsync(page);
    }
}
