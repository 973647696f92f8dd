using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Akua.Cli.Api;

/// <summary>
/// The REST API as the CLI calls it: the bearer token on every request, <c>Akua-Context</c> only with a broad
/// credential (a workspace token implies its workspace), and every failure turned into the right exit code.
/// </summary>
public sealed class AkuaApi(HttpClient http, string? token, string? workspace)
{
    public const string WorkspaceTokenPrefix = "sk_akua_";

    /// <summary>
    /// <c>cnap/0.3.0 (Linux; X64)</c>: the sessions page names the device from it ("cnap 0.3.0 on Linux").
    /// </summary>
    public static readonly string UserAgent = $"cnap/{typeof(AkuaApi).Assembly.GetName().Version?.ToString(3) ?? "0"} ({OperatingSystemName}; {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture})";

    private static string OperatingSystemName =>
        OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsMacOS() ? "macOS" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsFreeBSD() ? "FreeBSD" : "Unix";

    public HttpClient Http { get; } = http;

    public static bool IsWorkspaceToken(string? token) => token?.StartsWith(WorkspaceTokenPrefix, StringComparison.Ordinal) == true;

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken, bool scoped = false) =>
        SendAsync(HttpMethod.Get, path, null, scoped, cancellationToken);

    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken cancellationToken, bool scoped = false) =>
        SendAsync(HttpMethod.Post, path, body, scoped, cancellationToken);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken, bool scoped = false) =>
        SendAsync(HttpMethod.Delete, path, null, scoped, cancellationToken);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, bool scoped, CancellationToken cancellationToken)
    {
        if (token is null)
        {
            throw new CliException(ExitCodes.NotAuthenticated, "Not logged in. Run: cnap auth login");
        }

        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (scoped && !IsWorkspaceToken(token))
        {
            if (workspace is null)
            {
                throw new CliException(ExitCodes.Usage, "No active workspace. Run: cnap workspaces switch (or set AKUA_WORKSPACE_ID)");
            }

            request.Headers.Add("Akua-Context", workspace);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await SendRawAsync(Http, request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response, text);
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends, turning "no server there" into a retryable failure instead of a stack trace.</summary>
    public static async Task<HttpResponseMessage> SendRawAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException or IOException || e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw Unreachable(http.BaseAddress);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Retryable, $"The Akua API at {http.BaseAddress} did not answer in time. Try again.");
        }
    }

    public static CliException Unreachable(Uri? address) =>
        new(ExitCodes.Retryable, $"Cannot reach the Akua API at {address}. Check --api-url or AKUA_API_URL, and that the server is running.");

    private static CliException Failure(HttpResponseMessage response, string body)
    {
        var message = $"The API answered {(int)response.StatusCode}.";
        try
        {
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
            message = error.GetProperty("message").GetString() ?? message;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                message += " " + string.Join(" ", details.EnumerateArray().Select(d => $"{d.GetProperty("field").GetString()}: {d.GetProperty("message").GetString()}"));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
        }

        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new CliException(ExitCodes.NotAuthenticated, message + " Run: cnap auth login"),
            HttpStatusCode.Conflict => new CliException(ExitCodes.Conflict, message),
            HttpStatusCode.TooManyRequests => new CliException(ExitCodes.Retryable, message + RetryHint(response)),
            HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout => new CliException(ExitCodes.Retryable, message),
            _ => new CliException(ExitCodes.Error, message),
        };
    }

    public static string RetryHint(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta is { } wait ? $" Try again in {Math.Ceiling(wait.TotalSeconds)} s." : string.Empty;
}
