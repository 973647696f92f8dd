using Akua.TestSupport;
using System.Net;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>The browser pages' protections: sign-in cookie flags, anti-forgery, framing, CSP, rate limits.</summary>
public sealed class PageSecurityTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    [Theory]
    [InlineData("/device")]
    [InlineData("/settings/api-tokens")]
    [InlineData("/settings/sessions")]
    public async Task Pages_that_need_a_sign_in_go_through_login_and_come_back(string path)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync(path + "?x=1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + Uri.EscapeDataString(path + "?x=1"), response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/signup")]
    [InlineData("/")]
    public async Task Pages_cannot_be_framed_and_carry_a_strict_content_security_policy(string path)
    {
        var response = await factory.CreateClient().GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("https://app.example/callback", "https://app.example:443")]
    [InlineData("http://127.0.0.1:9/callback?x=1", "http://127.0.0.1:9")]
    [InlineData("com.example.app:/oauth", "com.example.app:")]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("data:text/html,hi", null)]
    [InlineData("http://[::1]:9/callback", null)]
    [InlineData("not a uri", null)]
    public void The_consent_form_may_redirect_to_exactly_its_redirect_uris_origin(string redirectUri, string? source) =>
        Assert.Equal(source, Akua.WebApi.Http.SecurityHeaders.FormActionSource(redirectUri));

    [Fact]
    public async Task Only_the_consent_page_names_another_origin_in_form_action_and_only_its_clients()
    {
        var user = await factory.SignUpAsync();
        var (clientId, _) = await OAuthFlow.RegisterClientAsync(factory.Api(user.Token, user.WorkspaceId), redirectUri: "https://app.example/callback");
        var browser = await BrowserSessions.SignInAsync(factory, user);
        var (_, challenge) = OAuthFlow.NewPkce();

        var consent = await browser.Http.GetAsync(OAuthFlow.Url(OAuthFlow.Request(clientId, challenge, redirectUri: "https://app.example/callback")), TestContext.Current.CancellationToken);
        var unregistered = await browser.Http.GetAsync(OAuthFlow.Url(OAuthFlow.Request(clientId, challenge, redirectUri: "https://evil.example/callback")), TestContext.Current.CancellationToken);
        var other = await browser.Http.GetAsync("/settings/sessions", TestContext.Current.CancellationToken);

        static string FormAction(HttpResponseMessage response) =>
            response.Headers.GetValues("Content-Security-Policy").Single().Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("form-action", StringComparison.Ordinal));
        Assert.Equal("form-action 'self' https://app.example:443", FormAction(consent));
        Assert.Equal("form-action 'self'", FormAction(unregistered));
        Assert.Equal("form-action 'self'", FormAction(other));
    }

    [Fact]
    public async Task The_sign_in_cookie_is_http_only_and_same_site_lax()
    {
        var user = await factory.SignUpAsync();
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        var browser = new BrowserSession(client);

        var response = await browser.SubmitAsync("/login", "/login", new() { ["Email"] = user.Email, ["Password"] = "correct horse battery" });

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("akua_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_cross_site_form_post_without_the_anti_forgery_token_is_refused()
    {
        var user = await factory.SignUpAsync();
        var browser = await BrowserSessions.SignInAsync(factory, user);
        var code = (await DeviceFlow.StartAsync(factory.CreateClient())).GetProperty("user_code").GetString()!;

        var forged = await browser.Http.PostAsync("/device?handler=Approve", new FormUrlEncodedContent(new Dictionary<string, string> { ["user_code"] = code }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var page = await browser.LookUpDeviceCodeAsync(code);
        Assert.Contains("id=\"approve\"", page, StringComparison.Ordinal); // still pending
    }

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server()
    {
        var user = await factory.SignUpAsync();
        var browser = await BrowserSessions.SignInAsync(factory, user);
        var sessionsBefore = await factory.Api(user.Token).ExpectAsync(200, HttpMethod.Get, "/v1/sessions");
        Assert.Equal(2, sessionsBefore.GetProperty("data").GetArrayLength());

        var response = await browser.SubmitAsync("/settings/sessions", "/logout", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var sessionsAfter = await factory.Api(user.Token).ExpectAsync(200, HttpMethod.Get, "/v1/sessions");
        Assert.Equal(1, sessionsAfter.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Following_a_link_with_a_wrong_code_is_not_a_guess()
    {
        // A hostile page can send a signed-in browser to /device?user_code=WRONG (the Lax cookie rides along on a
        // top-level navigation); when that counted as a wrong code, 10 such links locked the user out of approvals.
        var browser = await BrowserSessions.SignInAsync(factory, await factory.SignUpAsync());

        for (var i = 0; i < 12; i++)
        {
            var page = await browser.GetPageAsync($"/device?user_code=BBBB-{1000 + i}");
            Assert.Contains("Check that this is the code your device shows", page, StringComparison.Ordinal);
            Assert.DoesNotContain("That code is not valid", page, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"approve\"", page, StringComparison.Ordinal);
        }

        var real = (await DeviceFlow.StartAsync(factory.CreateClient())).GetProperty("user_code").GetString()!;
        Assert.Contains("id=\"approve\"", await browser.LookUpDeviceCodeAsync(real), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_user_codes_are_limited_per_user()
    {
        var browser = await BrowserSessions.SignInAsync(factory, await factory.SignUpAsync());

        for (var i = 0; i < 10; i++)
        {
            Assert.Contains("That code is not valid", await browser.LookUpDeviceCodeAsync("BBBB-BBBB"), StringComparison.Ordinal);
        }

        // Past the limit even a real code is refused, so guessing gains nothing.
        var real = (await DeviceFlow.StartAsync(factory.CreateClient())).GetProperty("user_code").GetString();
        Assert.Contains("Too many wrong codes", await browser.LookUpDeviceCodeAsync(real!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_sign_ins_are_limited_per_email_with_retry_after()
    {
        var user = await factory.SignUpAsync();
        for (var i = 0; i < 10; i++)
        {
            await (await factory.Api().PostAsync("/api/auth/sign-in/email", new { email = user.Email, password = "wrong password" })).AssertErrorAsync(401, "unauthorized");
        }

        var limited = await factory.Api().PostAsync("/api/auth/sign-in/email", new { email = user.Email, password = "correct horse battery" });

        await limited.AssertErrorAsync(429, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}

/// <summary>A server with a small device-code budget, to see the limit without thousands of requests.</summary>
public sealed class LowLimitApiFactory : AkuaApiFactory
{
    public LowLimitApiFactory()
        : base(() => new Akua.TestSupport.SqliteTestDatabase())
    {
    }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RateLimits:DeviceCodesPerMinute", "3");
        builder.UseSetting("RateLimits:SignUpsPerHour", "3");
    }
}

public sealed class DeviceCodeRateLimitTests(LowLimitApiFactory factory) : IClassFixture<LowLimitApiFactory>
{
    [Fact]
    public async Task Device_code_creation_is_limited_per_address_in_the_oauth_shape()
    {
        for (var i = 0; i < 3; i++)
        {
            await DeviceFlow.StartAsync(factory.CreateClient());
        }

        var limited = await factory.CreateClient().PostAsync("/api/auth/device/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "cnap-cli" }), TestContext.Current.CancellationToken);

        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Equal("slow_down", (await limited.JsonAsync()).GetProperty("error").GetString());
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }
}

public sealed class SignUpRateLimitTests(LowLimitApiFactory factory) : IClassFixture<LowLimitApiFactory>
{
    [Fact]
    public async Task Sign_ups_are_limited_per_address_in_the_api_and_on_the_page()
    {
        // Each sign-up costs a full password hash: unlimited, six clients made whoami 160 times slower.
        for (var i = 0; i < 3; i++)
        {
            await factory.SignUpAsync();
        }

        var limited = await factory.CreateClient().PostJsonAsync("/api/auth/sign-up/email", Accounts.SignUpBody());
        await limited.AssertErrorAsync(429, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Loading the form is not a sign-up; submitting it is, and a person gets the error page.
        var browser = new Akua.TestSupport.BrowserSession(factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));
        var form = await browser.GetPageAsync("/signup");
        browser.Http.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var page = await browser.Http.PostAsync("/signup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Name"] = "Ann", ["Email"] = Accounts.NewEmail(), ["Password"] = "correct horse battery",
            ["__RequestVerificationToken"] = Akua.TestSupport.BrowserSession.AntiforgeryTokenOf(form),
        }), TestContext.Current.CancellationToken);
        Assert.Equal(429, (int)page.StatusCode);
        Assert.Contains("Too many attempts", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
