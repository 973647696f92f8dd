using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using Akua.Cli.Api.Generated;

namespace Akua.Cli.Api;

/// <summary>
/// The REST API as the CLI calls it: the client generated from <c>docs/openapi.json</c> (ADR 0019), with the
/// bearer token on every request, <c>Akua-Context</c> only with a broad credential (a workspace token implies its
/// workspace), and every failure turned into one line and the right exit code.
/// </summary>
public sealed class AkuaApi(HttpClient http, CapturingHandler capture, string apiUrl, Credential credential, string? workspace, string loginCommand = "cnap auth login")
{
    public const string WorkspaceTokenPrefix = "sk_akua_";

    /// <summary>
    /// <c>cnap/0.3.0 (Linux; X64)</c>: the sessions page names the device from it ("cnap 0.3.0 on Linux").
    /// </summary>
    public static readonly string UserAgent = $"cnap/{typeof(AkuaApi).Assembly.GetName().Version?.ToString(3) ?? "0"} ({OperatingSystemName}; {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture})";

    private static string OperatingSystemName =>
        OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsMacOS() ? "macOS" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsFreeBSD() ? "FreeBSD" : "Unix";

    public Credential Credential { get; } = credential;

    public static bool IsWorkspaceToken(string? token) => token?.StartsWith(WorkspaceTokenPrefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// The <c>Akua-Context</c> value for a workspace-scoped call: none with a workspace token (its own workspace),
    /// the active workspace with a broad credential, and a usage error when there is none.
    /// </summary>
    public string? Context => Credential.IsWorkspaceToken ? null
        : workspace ?? throw new CliException(ExitCodes.Usage, "No active workspace. Run: cnap workspaces switch (or set AKUA_WORKSPACE_ID)");

    /// <summary>The body of the last answer, exactly as the server sent it (for <c>--output json</c>).</summary>
    public JsonElement LastJson => capture.LastJson;

    public Task<T> CallAsync<T>(Func<AkuaClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        GuardAsync(() => call(Client(), cancellationToken), cancellationToken);

    public Task CallAsync(Func<AkuaClient, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await call(Client(), cancellationToken);
            return true;
        }, cancellationToken);

    private AkuaClient Client() => new(http) { BearerToken = Credential.Token, ReadResponseAsString = true }; // the body is kept for error messages

    private async Task<T> GuardAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await Transport.GuardAsync(apiUrl, call, cancellationToken);
        }
        catch (AkuaApiException e)
        {
            throw Failure(e);
        }
    }

    private CliException Failure(AkuaApiException e)
    {
        var (message, isEnvelope) = ErrorMessage(e.StatusCode, e.Response);
        if (!isEnvelope && e.StatusCode is >= 200 and < 300)
        {
            return new CliException(ExitCodes.Error, $"The server at {apiUrl} did not answer like the Akua API (status {e.StatusCode}, not the JSON expected). Check --api-url or AKUA_API_URL.");
        }

        return e.StatusCode switch
        {
            401 when Credential.Source == CredentialSource.Environment => new CliException(ExitCodes.NotAuthenticated,
                $"{Credential.Variable} was refused by {apiUrl}: {message} Unset it to use your stored login, or set a valid token."),
            401 => new CliException(ExitCodes.NotAuthenticated, $"{message} Your stored login for {apiUrl} no longer works. Run: {loginCommand}"),
            409 => new CliException(ExitCodes.Conflict, message),
            429 => new CliException(ExitCodes.Retryable, message + RetryHint(e.Headers)),
            502 or 503 or 504 => new CliException(ExitCodes.Retryable, message),
            _ => new CliException(ExitCodes.Error, message),
        };
    }

    /// <summary>The envelope's message and field details (API.md section 2), or a sentence made from the status.</summary>
    public static (string Message, bool IsEnvelope) ErrorMessage(int status, string? body)
    {
        try
        {
            var error = JsonDocument.Parse(body ?? string.Empty).RootElement.GetProperty("error");
            var message = error.GetProperty("message").GetString() ?? $"The API answered {status}.";
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                message += " " + string.Join(" ", details.EnumerateArray().Select(d => $"{d.GetProperty("field").GetString()}: {d.GetProperty("message").GetString()}"));
            }

            return (message, true);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ($"The API answered {status}.", false);
        }
    }

    private static string RetryHint(IReadOnlyDictionary<string, IEnumerable<string>> headers) =>
        headers.FirstOrDefault(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault() is { } value
        && int.TryParse(value, out var seconds) ? $" Try again in {seconds} s." : string.Empty;
}

/// <summary>Turns what can go wrong between here and the server into one line and an exit code.</summary>
public static class Transport
{
    public static async Task<T> GuardAsync<T>(string apiUrl, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException e)
        {
            throw Failure(apiUrl, e);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Retryable, $"The Akua API at {apiUrl} did not answer in time. Try again.");
        }
    }

    public static CliException Failure(string apiUrl, HttpRequestException e)
    {
        if (e.HttpRequestError == HttpRequestError.SecureConnectionError || e.InnerException is AuthenticationException)
        {
            var reason = e.InnerException?.Message.TrimEnd('.') ?? e.Message.TrimEnd('.');
            return new CliException(ExitCodes.Error, $"Could not open a TLS connection to {apiUrl}: {reason}. If the server speaks plain HTTP, use an http:// URL; if its certificate is not trusted, fix that.");
        }

        if (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError || e.InnerException is SocketException)
        {
            return Unreachable(apiUrl);
        }

        if (e.HttpRequestError is HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError)
        {
            return new CliException(ExitCodes.Retryable, $"The server at {apiUrl} broke off or did not answer in HTTP ({e.HttpRequestError}). Check --api-url or AKUA_API_URL, then try again.");
        }

        return new CliException(ExitCodes.Error, $"The request to {apiUrl} failed: {e.Message}");
    }

    public static CliException Unreachable(string apiUrl) =>
        new(ExitCodes.Retryable, $"Cannot reach the Akua API at {apiUrl}. Check --api-url or AKUA_API_URL, and that the server is running.");
}

/// <summary>Keeps the body of the last answer, so <c>--output json</c> prints what the server sent, field for field.</summary>
public sealed class CapturingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const long MaxBody = 16 * 1024 * 1024;
    private byte[] _last = [];

    /// <summary>When the credential expires, as the last answer said (<c>Akua-Token-Expires-At</c>); null if it did not.</summary>
    public DateTimeOffset? TokenExpiresAt { get; private set; }

    public JsonElement LastJson
    {
        get
        {
            try
            {
                return JsonDocument.Parse(_last).RootElement.Clone();
            }
            catch (JsonException)
            {
                return default;
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(MaxBody, cancellationToken); // a wrong --api-url may stream forever
        _last = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.Headers.TryGetValues("Akua-Token-Expires-At", out var values)
            && long.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds < 253402300800)
        {
            TokenExpiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return response;
    }
}
