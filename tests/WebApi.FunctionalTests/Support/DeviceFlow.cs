using System.Net.Http.Json;
using System.Text.Json;

namespace Akua.WebApi.FunctionalTests.Support;

/// <summary>The device side of RFC 8628, by hand (the Duende test uses a library instead).</summary>
public static class DeviceFlow
{
    public const string Grant = "urn:ietf:params:oauth:grant-type:device_code";

    public static async Task<JsonElement> StartAsync(HttpClient http, string clientId = "cnap-cli")
    {
        var response = await http.PostAsync("/api/auth/device/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = clientId }), TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.JsonAsync();
    }

    public static Task<HttpResponseMessage> PollAsync(HttpClient http, string deviceCode, string path = "/api/auth/device/token", string clientId = "cnap-cli") =>
        http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = Grant,
            ["device_code"] = deviceCode,
            ["client_id"] = clientId,
        }), TestContext.Current.CancellationToken);

    /// <summary>Asserts an OAuth error answer (400 and the RFC 6749 shape) and returns its code.</summary>
    public static async Task<string> ErrorOfAsync(HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        Assert.True(400 == (int)response.StatusCode, body.ToString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error_description").GetString()));
        Assert.True(response.Headers.CacheControl?.NoStore, "an OAuth answer must not be cached");
        return body.GetProperty("error").GetString()!;
    }
}
