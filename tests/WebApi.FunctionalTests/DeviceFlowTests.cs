using Akua.TestSupport;
using System.Net.Http.Json;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>The device authorization grant exactly as API.md section 6 has it, with the server's clock in hand.</summary>
public sealed class DeviceFlowTests(FakeClockApiFactory factory) : IClassFixture<FakeClockApiFactory>
{
    private HttpClient Device() => factory.CreateClient();

    private void Wait(int seconds) => factory.Clock!.Advance(TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task Starting_answers_the_documented_fields()
    {
        var start = await DeviceFlow.StartAsync(Device());

        Assert.Matches("^[A-Za-z0-9_-]{43}$", start.GetProperty("device_code").GetString());
        var userCode = start.GetProperty("user_code").GetString()!;
        Assert.Matches("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$", userCode);
        Assert.Equal("http://localhost/device", start.GetProperty("verification_uri").GetString());
        Assert.Equal($"http://localhost/device?user_code={userCode}", start.GetProperty("verification_uri_complete").GetString());
        Assert.Equal(900, start.GetProperty("expires_in").GetInt32());
        Assert.Equal(5, start.GetProperty("interval").GetInt32());
    }

    [Fact]
    public async Task A_json_body_works_as_well_as_a_form()
    {
        var response = await Device().PostAsJsonAsync("/api/auth/device/code", new { client_id = "cnap-cli", scope = "api" }, TestContext.Current.CancellationToken);
        var deviceCode = (await response.JsonAsync()).GetProperty("device_code").GetString();

        var poll = await Device().PostAsJsonAsync("/api/auth/device/token", new { grant_type = DeviceFlow.Grant, device_code = deviceCode, client_id = "cnap-cli" }, TestContext.Current.CancellationToken);

        Assert.Equal("authorization_pending", await DeviceFlow.ErrorOfAsync(poll));
    }

    [Theory]
    [InlineData("client_id=unknown", "invalid_client")]
    [InlineData("scope=api", "invalid_request")]
    [InlineData("client_id=cnap-cli&client_id=cnap-cli", "invalid_request")]
    public async Task Starting_refuses_unknown_or_missing_clients(string form, string error)
    {
        var response = await Device().PostAsync("/api/auth/device/code", new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"), TestContext.Current.CancellationToken);

        Assert.Equal(error, await DeviceFlow.ErrorOfAsync(response));
    }

    [Theory]
    [InlineData("device_code=x&client_id=cnap-cli", "invalid_request")]
    [InlineData("grant_type=password&device_code=x&client_id=cnap-cli", "unsupported_grant_type")]
    [InlineData("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=cnap-cli", "invalid_request")]
    [InlineData("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=x&client_id=evil", "invalid_client")]
    [InlineData("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=unknown&client_id=cnap-cli", "invalid_grant")]
    public async Task The_token_endpoint_names_each_mistake(string form, string error)
    {
        foreach (var path in new[] { "/api/auth/device/token", "/oauth/token" })
        {
            var response = await Device().PostAsync(path, new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"), TestContext.Current.CancellationToken);
            Assert.Equal(error, await DeviceFlow.ErrorOfAsync(response));
        }
    }

    [Fact]
    public async Task Polling_too_fast_slows_down_and_the_interval_stays_grown()
    {
        var deviceCode = (await DeviceFlow.StartAsync(Device())).GetProperty("device_code").GetString()!;

        Assert.Equal("authorization_pending", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(Device(), deviceCode)));
        Wait(2);
        Assert.Equal("slow_down", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(Device(), deviceCode)));
        Wait(6); // enough for the old 5 s interval, not for the grown 10 s one
        Assert.Equal("slow_down", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(Device(), deviceCode)));
        Wait(15);
        Assert.Equal("authorization_pending", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(Device(), deviceCode)));
    }

    [Fact]
    public async Task An_approved_code_gives_a_working_session_once()
    {
        var user = await factory.SignUpAsync();
        var browser = await BrowserSessions.SignInAsync(factory, user);
        var device = Device();
        device.DefaultRequestHeaders.UserAgent.ParseAdd("cnap/9.9 (test)");
        var start = await DeviceFlow.StartAsync(device);
        var deviceCode = start.GetProperty("device_code").GetString()!;

        var page = await browser.LookUpDeviceCodeAsync(start.GetProperty("user_code").GetString()!.ToLowerInvariant().Replace("-", "", StringComparison.Ordinal));
        Assert.Contains("Akua CLI (cnap)", page, StringComparison.Ordinal);
        Assert.Contains("cnap/9.9 (test)", page, StringComparison.Ordinal);
        var approved = await browser.DecideAsync(start.GetProperty("user_code").GetString()!, approve: true);
        Assert.Contains("Device approved", approved, StringComparison.Ordinal);

        Wait(5);
        var token = await DeviceFlow.PollAsync(device, deviceCode);
        var body = await token.JsonAsync();
        Assert.Equal(200, (int)token.StatusCode);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(31536000, body.GetProperty("expires_in").GetInt64());
        var session = body.GetProperty("access_token").GetString()!;
        Assert.Matches("^[A-Za-z0-9]{32}$", session);

        var me = await factory.Api(session).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        Assert.Equal(user.UserId, me.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal("cnap-cli", me.GetProperty("client_id").GetString());
        var sessions = await factory.Api(session).ExpectAsync(200, HttpMethod.Get, "/v1/sessions");
        var current = Assert.Single(sessions.GetProperty("data").EnumerateArray(), s => s.GetProperty("current").GetBoolean());
        Assert.Equal("cnap/9.9 (test)", current.GetProperty("user_agent").GetString());

        Wait(5);
        Assert.Equal("invalid_grant", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(device, deviceCode, "/oauth/token")));
    }

    [Fact]
    public async Task A_denied_code_answers_access_denied()
    {
        var browser = await BrowserSessions.SignInAsync(factory, await factory.SignUpAsync());
        var start = await DeviceFlow.StartAsync(Device());

        var denied = await browser.DecideAsync(start.GetProperty("user_code").GetString()!, approve: false);

        Assert.Contains("Request denied", denied, StringComparison.Ordinal);
        Assert.Equal("access_denied", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(Device(), start.GetProperty("device_code").GetString()!)));
    }

    [Fact]
    public async Task After_15_minutes_the_code_is_expired_and_cannot_be_approved()
    {
        var browser = await BrowserSessions.SignInAsync(factory, await factory.SignUpAsync());
        var start = await DeviceFlow.StartAsync(Device());

        Wait(15 * 60);

        var page = await browser.LookUpDeviceCodeAsync(start.GetProperty("user_code").GetString()!);
        Assert.Contains("This code has expired", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"approve\"", page, StringComparison.Ordinal);
        Assert.Equal("expired_token", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(Device(), start.GetProperty("device_code").GetString()!)));
    }

    [Fact]
    public async Task Twenty_concurrent_exchanges_of_one_approved_code_give_exactly_one_token()
    {
        var browser = await BrowserSessions.SignInAsync(factory, await factory.SignUpAsync());
        var start = await DeviceFlow.StartAsync(Device());
        await browser.DecideAsync(start.GetProperty("user_code").GetString()!, approve: true);
        var deviceCode = start.GetProperty("device_code").GetString()!;
        using var go = new Barrier(20);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            var client = Device();
            go.SignalAndWait(TestContext.Current.CancellationToken);
            var response = await DeviceFlow.PollAsync(client, deviceCode);
            return (Status: (int)response.StatusCode, Body: await response.JsonAsync());
        }, TestContext.Current.CancellationToken)));

        Assert.Single(answers, a => a.Status == 200);
        Assert.All(answers.Where(a => a.Status != 200), a => Assert.Equal(400, a.Status));
        Assert.DoesNotContain(answers, a => a.Status >= 500);
    }

    [Fact]
    public async Task The_metadata_document_lists_the_device_flow()
    {
        var metadata = await factory.Api().ExpectAsync(200, HttpMethod.Get, "/.well-known/oauth-authorization-server");

        Assert.Equal("http://localhost", metadata.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost/api/auth/device/code", metadata.GetProperty("device_authorization_endpoint").GetString());
        Assert.Equal("http://localhost/oauth/token", metadata.GetProperty("token_endpoint").GetString());
        Assert.Contains(DeviceFlow.Grant, metadata.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));
    }
}

/// <summary><c>DeviceAuthorization:CodeLifetime</c>: a deployment may give users less time to approve a login.</summary>
public sealed class DeviceCodeLifetimeTests(DeviceCodeLifetimeTests.ShortCodesFactory factory) : IClassFixture<DeviceCodeLifetimeTests.ShortCodesFactory>
{
    public sealed class ShortCodesFactory : AkuaApiFactory
    {
        public ShortCodesFactory()
            : base(() => new SqliteTestDatabase()) => Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("DeviceAuthorization:CodeLifetime", "00:05:00");
        }
    }

    [Fact]
    public async Task A_configured_lifetime_is_the_codes_expires_in_and_its_end()
    {
        var http = factory.CreateClient();
        var start = await DeviceFlow.StartAsync(http);
        var deviceCode = start.GetProperty("device_code").GetString()!;

        Assert.Equal(300, start.GetProperty("expires_in").GetInt32());
        factory.Clock!.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal("authorization_pending", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(http, deviceCode)));
        factory.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("expired_token", await DeviceFlow.ErrorOfAsync(await DeviceFlow.PollAsync(http, deviceCode)));
    }
}
