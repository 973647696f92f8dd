using Akua.TestSupport;
using Akua.WebApi.FunctionalTests.Support;
using Duende.IdentityModel.Client;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// A standard OAuth client library that nobody here wrote runs the whole device flow from the issuer URL
/// alone: discovery (RFC 8414), device authorization, a person's approval, token polling.
/// </summary>
public sealed class OAuthClientLibraryTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    [Fact]
    public async Task Duende_IdentityModel_discovers_the_server_and_completes_the_device_flow()
    {
        var user = await factory.SignUpAsync();
        var browser = await BrowserSessions.SignInAsync(factory, user);
        var http = factory.CreateClient();

        var discovery = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = "http://localhost",
            Policy = new DiscoveryPolicy
            {
                RequireHttps = false,
                RequireKeySet = false, // JWT signing keys arrive with the OAuth issue
                DiscoveryDocumentPath = ".well-known/oauth-authorization-server",
            },
        }, TestContext.Current.CancellationToken);
        Assert.False(discovery.IsError, discovery.Error);

        var authorization = await http.RequestDeviceAuthorizationAsync(new DeviceAuthorizationRequest
        {
            Address = discovery.DeviceAuthorizationEndpoint,
            ClientId = "cnap-cli",
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        }, TestContext.Current.CancellationToken);
        Assert.False(authorization.IsError, authorization.Error);
        Assert.Equal(5, authorization.Interval);

        var pending = await http.RequestDeviceTokenAsync(Poll(discovery, authorization), TestContext.Current.CancellationToken);
        Assert.Equal("authorization_pending", pending.Error);

        await browser.DecideAsync(authorization.UserCode!, approve: true);
        await Task.Delay(TimeSpan.FromSeconds(authorization.Interval), TestContext.Current.CancellationToken);
        var token = await http.RequestDeviceTokenAsync(Poll(discovery, authorization), TestContext.Current.CancellationToken);
        Assert.False(token.IsError, token.Error);

        var me = await factory.Api(token.AccessToken).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        Assert.Equal(user.UserId, me.GetProperty("user").GetProperty("id").GetString());
    }

    private static DeviceTokenRequest Poll(DiscoveryDocumentResponse discovery, DeviceAuthorizationResponse authorization) => new()
    {
        Address = discovery.TokenEndpoint,
        ClientId = "cnap-cli",
        ClientCredentialStyle = ClientCredentialStyle.PostBody,
        DeviceCode = authorization.DeviceCode!,
    };
}
