using Akua.WebApi.Pages;

namespace Akua.WebApi.FunctionalTests;

/// <summary>The sessions page's device names, from real user agents of browsers, the CLI and tools.</summary>
public sealed class DeviceNameTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData("cnap/0.3.0 (Linux; X64)", "cnap 0.3.0 on Linux")]
    [InlineData("cnap/1.2.3 (macOS; Arm64)", "cnap 1.2.3 on macOS")]
    [InlineData("curl/8.5.0", "curl 8.5.0")]
    [InlineData("Duende.IdentityModel/8.1.0", "Duende.IdentityModel 8.1.0")]
    [InlineData("", "Unknown device")]
    [InlineData(null, "Unknown device")]
    [InlineData("???", "Unknown device")]
    public void A_user_agent_is_named_as_a_person_would_name_the_device(string? userAgent, string expected) =>
        Assert.Equal(expected, DeviceNames.Describe(userAgent));
}
