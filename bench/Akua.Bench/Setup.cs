using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Akua.Bench;

/// <summary>The credentials a run needs, made through the public API as a user would make them.</summary>
internal sealed partial record Credentials(string Email, string Session, string Workspace, string ApiToken, string Jwt, IReadOnlyList<string> DeviceCodes)
{
    public const string Password = "correct horse battery";

    public static async Task<Credentials> CreateAsync(Uri server, int deviceCodes)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = server };
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        var signUp = await Json(await http.PostAsJsonAsync("/api/auth/sign-up/email", new { email, password = Password, name = "Bench" }));
        var session = signUp.GetProperty("token").GetString()!;

        var workspaces = await Json(await Send(http, HttpMethod.Get, "/v1/workspaces", session));
        var workspace = workspaces.GetProperty("data")[0].GetProperty("id").GetString()!;
        var apiToken = (await Json(await Send(http, HttpMethod.Post, "/v1/api_tokens", session, workspace, new { name = "bench" }))).GetProperty("token").GetString()!;

        // A JWT through the authorization code flow with PKCE: register, sign in, consent, exchange.
        const string redirect = "http://127.0.0.1:9/callback";
        var client = await Json(await Send(http, HttpMethod.Post, "/v1/oauth_clients", session, workspace, new { name = "bench", redirect_uris = new[] { redirect }, type = "public" }));
        var clientId = client.GetProperty("client_id").GetString()!;
        await PostFormAsync(http, "/login", "/login", new() { ["Email"] = email, ["Password"] = Password });
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var request = new Dictionary<string, string>
        {
            ["client_id"] = clientId, ["redirect_uri"] = redirect, ["response_type"] = "code", ["scope"] = "api",
            ["state"] = "bench", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
        };
        var authorize = "/oauth/authorize?" + string.Join('&', request.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        var consent = await PostFormAsync(http, authorize, "/oauth/authorize?handler=Approve", new(request));
        var code = Regex.Match(consent.Headers.Location!.OriginalString, "code=([^&]+)").Groups[1].Value;
        var token = await Json(await http.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = Uri.UnescapeDataString(code), ["redirect_uri"] = redirect, ["client_id"] = clientId, ["code_verifier"] = verifier,
        })));
        var jwt = token.GetProperty("access_token").GetString()!;

        var codes = new List<string>();
        for (var i = 0; i < deviceCodes; i++)
        {
            var device = await Json(await http.PostAsync("/api/auth/device/code", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "cnap-cli" })));
            codes.Add(device.GetProperty("device_code").GetString()!);
        }

        return new Credentials(email, session, workspace, apiToken, jwt, codes);
    }

    /// <summary>
    /// <paramref name="count"/> workspace API tokens, made through the public API by the workspace's owner, 32
    /// requests at a time (8 took 32 s on SQLite: set-up time in every CI run).
    /// </summary>
    public async Task<IReadOnlyList<string>> CreateTokensAsync(Uri server, int count)
    {
        using var http = new HttpClient { BaseAddress = server };
        var tokens = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            tokens[i] = (await Json(await Send(http, HttpMethod.Post, "/v1/api_tokens", Session, Workspace, new { name = $"bench {i}" }))).GetProperty("token").GetString()!);
        return tokens;
    }

    /// <summary>Each token's whoami once, 32 at a time; every one must be accepted.</summary>
    public static async Task UseEachAsync(Uri server, IReadOnlyList<string> tokens)
    {
        using var http = new HttpClient { BaseAddress = server };
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (token, _) =>
        {
            using var response = await Send(http, HttpMethod.Get, "/v1/auth/whoami", token);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"whoami with a token made for the benchmark answered {(int)response.StatusCode}");
            }
        });
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string token, string? workspace = null, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        if (workspace is not null)
        {
            request.Headers.Add("Akua-Context", workspace);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient http, string page, string action, Dictionary<string, string> fields)
    {
        var html = await http.GetStringAsync(page);
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(Antiforgery().Match(html).Groups[1].Value);
        var response = await http.PostAsync(action, new FormUrlEncodedContent(fields));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"{action} answered {(int)response.StatusCode}");
        }

        return response;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
