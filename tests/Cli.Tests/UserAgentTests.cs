using Akua.Cli.Api;

namespace Akua.Cli.Tests;

/// <summary>
/// The CLI names itself and its operating system, which the sessions page shows as "cnap 0.3.0 on Linux"
/// (the server's <c>DeviceNames</c> reads exactly this shape).
/// </summary>
public sealed class UserAgentTests
{
    [Fact]
    public void The_user_agent_names_the_version_and_the_operating_system() =>
        Assert.Matches(@"^cnap/\d+\.\d+\.\d+ \((Linux|macOS|Windows|FreeBSD|Unix); \w+\)$", AkuaApi.UserAgent);
}
