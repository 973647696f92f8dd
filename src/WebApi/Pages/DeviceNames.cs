using System.Text.RegularExpressions;

namespace Akua.WebApi.Pages;

/// <summary>
/// A person-readable name for the program behind a session, from its User-Agent: "Chrome on Linux",
/// "Safari on iPhone", "cnap 0.3.0 on Linux", "curl 8.5.0". No user-agent parser is served to this build, and
/// the sessions page needs only the browser family and the operating system, so this is a short table of the
/// well-known tokens, checked in order (Edge and Opera before Chrome, Chrome before Safari: each names the
/// ones it imitates). Anything else shows its first product token, or "Unknown device".
/// </summary>
public static partial class DeviceNames
{
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"), ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("macOS", "macOS"), ("Linux", "Linux"), ("FreeBSD", "FreeBSD"),
    ];

    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown device";
        }

        var system = Systems.FirstOrDefault(s => userAgent.Contains(s.Token, StringComparison.Ordinal)).Name;
        if (userAgent.StartsWith("cnap/", StringComparison.Ordinal))
        {
            return On($"cnap {Version(userAgent, "cnap/")}", system);
        }

        if (userAgent.StartsWith("Mozilla/", StringComparison.Ordinal))
        {
            var browser = Browsers.FirstOrDefault(b => userAgent.Contains(b.Token, StringComparison.Ordinal)).Name ?? "A browser";
            return On(browser, system);
        }

        // A tool: its own name and version ("curl/8.5.0" -> "curl 8.5.0").
        var product = ProductToken().Match(userAgent);
        return product.Success ? On($"{product.Groups[1].Value} {product.Groups[2].Value}".Trim(), system) : "Unknown device";
    }

    private static string On(string program, string? system) => system is null ? program : $"{program} on {system}";

    private static string Version(string userAgent, string token)
    {
        var rest = userAgent[(userAgent.IndexOf(token, StringComparison.Ordinal) + token.Length)..];
        var end = rest.IndexOfAny([' ', ';', ')']);
        return end < 0 ? rest : rest[..end];
    }

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9._-]{0,40})(?:/([0-9][A-Za-z0-9._-]{0,20}))?")]
    private static partial Regex ProductToken();
}
