namespace Akua.Cli.Config;

/// <summary>
/// An API URL in one canonical form (<c>https://auth.example.com</c>, <c>http://127.0.0.1:5080</c>): lower-case
/// scheme and host, no default port, no trailing slash. Stored credentials are keyed by it, so a token is only
/// ever sent to the server it came from, however the URL was typed.
/// </summary>
public static class ServerUrl
{
    public const string Default = "http://localhost:5080";

    /// <summary>The canonical form, or a usage error that says what is wrong with <paramref name="text"/>.</summary>
    public static string Normalize(string text, string from)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            var shown = text.Contains('@', StringComparison.Ordinal) ? "given" : $"'{text}'";
            throw new CliException(ExitCodes.Usage, $"The API URL {shown} ({from}) is not an http(s) URL like https://auth.example.com.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            // Not echoed: the part before @ may be a password, and this line may land in a CI log.
            throw new CliException(ExitCodes.Usage, $"The API URL ({from}) must not carry a user name or password; give the server's URL only.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new CliException(ExitCodes.Usage, $"The API URL '{text}' ({from}) must not carry a query or a fragment.");
        }

        return uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped).ToLowerInvariant() + uri.AbsolutePath.TrimEnd('/');
    }
}
