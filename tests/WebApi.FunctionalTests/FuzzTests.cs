using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Akua.WebApi.FunctionalTests.Support;
using CsCheck;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// Property-based: generated requests (CsCheck) at every endpoint, with generated Authorization and
/// Akua-Context values, path ids, query parameters, JSON bodies (wrong types, huge numbers, deep nesting,
/// unknown fields, invalid UTF-8, 1 MB strings) and OAuth form bodies. Every answer must be a success or a
/// documented 4xx in the right envelope (the OAuth shape on the OAuth endpoints), never a 5xx, and the
/// server must stay healthy. At least 10,000 cases a run. On SQLite and on PostgreSQL: SQLite stores a string
/// longer than its column without a word, PostgreSQL refuses it, so only the second finds a length the
/// validation lets through and the schema does not (a 500).
/// </summary>
public abstract class FuzzTests(AkuaApiFactory factory)
{
    public const int Cases = 12_000;

    private static readonly HashSet<int> Documented = [400, 401, 403, 404, 405, 409, 413, 422, 429];

    private static readonly HashSet<string> Codes =
    [
        "bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict", "payload_too_large",
        "validation_error", "rate_limited",
    ];

    private static readonly HashSet<string> OAuthCodes =
    [
        "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope",
        "authorization_pending", "slow_down", "access_denied", "expired_token", "unsupported_token_type", "rate_limited", "invalid_target",
    ];

    private sealed record Endpoint(HttpMethod Method, string Path, BodyKind Body);

    private enum BodyKind { None, Json, Form }

    // Every route of the API; {id} is filled with a generated id. Sign-out is left out so the fuzzer's own
    // session stays alive (it is covered by the session tests).
    private static readonly Endpoint[] Endpoints =
    [
        new(HttpMethod.Get, "/v1/auth/whoami", BodyKind.None),
        new(HttpMethod.Get, "/v1/workspaces", BodyKind.None),
        new(HttpMethod.Post, "/v1/workspaces", BodyKind.Json),
        new(HttpMethod.Get, "/v1/workspaces/{id}", BodyKind.None),
        new(HttpMethod.Patch, "/v1/workspaces/{id}", BodyKind.Json),
        new(HttpMethod.Get, "/v1/members", BodyKind.None),
        new(HttpMethod.Post, "/v1/members", BodyKind.Json),
        new(HttpMethod.Patch, "/v1/members/{id}", BodyKind.Json),
        new(HttpMethod.Delete, "/v1/members/{id}", BodyKind.None),
        new(HttpMethod.Get, "/v1/invitations", BodyKind.None),
        new(HttpMethod.Post, "/v1/invitations", BodyKind.Json),
        new(HttpMethod.Delete, "/v1/invitations/{id}", BodyKind.None),
        new(HttpMethod.Get, "/v1/user/invitations", BodyKind.None),
        new(HttpMethod.Post, "/v1/user/invitations/{id}/accept", BodyKind.None),
        new(HttpMethod.Post, "/v1/user/invitations/{id}/decline", BodyKind.None),
        new(HttpMethod.Get, "/v1/api_tokens", BodyKind.None),
        new(HttpMethod.Post, "/v1/api_tokens", BodyKind.Json),
        new(HttpMethod.Get, "/v1/api_tokens/{id}", BodyKind.None),
        new(HttpMethod.Delete, "/v1/api_tokens/{id}", BodyKind.None),
        new(HttpMethod.Get, "/v1/installs", BodyKind.None),
        new(HttpMethod.Post, "/v1/installs", BodyKind.Json),
        new(HttpMethod.Get, "/v1/installs/{id}", BodyKind.None),
        new(HttpMethod.Delete, "/v1/installs/{id}", BodyKind.None),
        new(HttpMethod.Get, "/v1/oauth_clients", BodyKind.None),
        new(HttpMethod.Post, "/v1/oauth_clients", BodyKind.Json),
        new(HttpMethod.Delete, "/v1/oauth_clients/{id}", BodyKind.None),
        new(HttpMethod.Get, "/v1/sessions", BodyKind.None),
        new(HttpMethod.Delete, "/v1/sessions/{id}", BodyKind.None),
        new(HttpMethod.Post, "/api/auth/sign-up/email", BodyKind.Json),
        new(HttpMethod.Post, "/api/auth/sign-in/email", BodyKind.Json),
        new(HttpMethod.Post, "/api/auth/device/code", BodyKind.Form),
        new(HttpMethod.Post, "/api/auth/device/token", BodyKind.Form),
        new(HttpMethod.Post, "/oauth/token", BodyKind.Form),
        new(HttpMethod.Post, "/oauth/revoke", BodyKind.Form),
    ];

    private static readonly string[] JsonFields =
        ["name", "slug", "email", "password", "role", "expires_at", "user_id", "redirect_uris", "type", "kind", "external_id", "metadata", "unknown_field"];

    private static readonly string[] FormFields =
        ["grant_type", "client_id", "device_code", "code", "redirect_uri", "code_verifier", "refresh_token", "token", "token_type_hint", "scope"];

    private static readonly string OneMegabyte = "\"" + new string('a', 1_048_576) + "\"";

    /// <summary>Around every length limit of the model (40 slug, 100 name, 200, 254 email, 256 password, 2000 URI).</summary>
    private static readonly int[] BoundaryLengths = [1, 39, 40, 41, 88, 89, 90, 99, 100, 101, 199, 200, 201, 253, 254, 255, 256, 257, 320, 321, 1999, 2000, 2001];

    /// <summary>A value of exactly <paramref name="length"/> characters shaped for <paramref name="field"/>, in ASCII or not.</summary>
    private static string Sized(string field, int length, bool wide)
    {
        var fill = wide ? 'é' : 'a';
        return field switch
        {
            "email" when length > 13 => new string(fill, length - 12) + "@example.com",
            "redirect_uri" when length > 19 => "https://e.example/" + new string(fill, length - 18),
            "slug" => new string('a', length),
            _ => new string(fill, length),
        };
    }

    [Fact]
    public async Task Every_string_field_at_every_length_boundary_is_accepted_or_refused_never_a_5xx()
    {
        var user = await factory.SignUpAsync();
        var api = factory.Api(user.Token, user.WorkspaceId);
        // A valid body for each endpoint; each of its string fields in turn takes every boundary length.
        var templates = new (HttpMethod Method, string Path, Dictionary<string, object> Body)[]
        {
            (HttpMethod.Post, "/api/auth/sign-up/email", new() { ["email"] = "", ["password"] = "correct horse battery", ["name"] = "Ann" }),
            (HttpMethod.Post, "/api/auth/sign-in/email", new() { ["email"] = user.Email, ["password"] = "wrong password" }),
            (HttpMethod.Post, "/v1/workspaces", new() { ["name"] = "Team", ["slug"] = "" }),
            (HttpMethod.Patch, $"/v1/workspaces/{user.WorkspaceId}", new() { ["name"] = "Team", ["slug"] = "" }),
            (HttpMethod.Post, "/v1/api_tokens", new() { ["name"] = "ci", ["role"] = "member" }),
            (HttpMethod.Post, "/v1/installs", new() { ["name"] = "web", ["product"] = "redis" }),
            (HttpMethod.Post, "/v1/oauth_clients", new() { ["name"] = "Integration", ["redirect_uri"] = "", ["type"] = "public" }),
            (HttpMethod.Post, "/v1/members", new() { ["email"] = "", ["role"] = "member" }),
            (HttpMethod.Post, "/v1/invitations", new() { ["email"] = "", ["role"] = "member" }),
        };
        var tried = 0;
        var accepted = 0;
        foreach (var (method, path, template) in templates)
        {
            foreach (var field in template.Keys.Where(k => k is not ("role" or "type" or "password") || path.Contains("sign-up", StringComparison.Ordinal)))
            {
                foreach (var length in BoundaryLengths)
                {
                    foreach (var wide in new[] { false, true })
                    {
                        var body = template.ToDictionary(p => p.Key, p => p.Value);
                        body[field] = Sized(field, length, wide);
                        if (body.TryGetValue("email", out var email) && (string)email == "")
                        {
                            body["email"] = Accounts.NewEmail();
                        }

                        if (body.Remove("redirect_uri", out var uri))
                        {
                            body["redirect_uris"] = new[] { (string)uri == "" ? OAuthFlow.RedirectUri : (string)uri };
                        }

                        if (body.TryGetValue("slug", out var slug) && (string)slug == "")
                        {
                            body.Remove("slug");
                        }

                        using var response = await api.SendAsync(method, path, body);
                        var status = (int)response.StatusCode;
                        tried++;
                        accepted += status < 300 ? 1 : 0;
                        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                        Assert.True(status < 500, $"{method} {path} with {field} of {length} {(wide ? "non-ASCII" : "ASCII")} characters: {status} {text}");
                        if (status >= 400)
                        {
                            Assert.Contains(status, Documented);
                        }
                    }
                }
            }
        }

        // Both sides of the limits were reached: some values fit, some were refused.
        Assert.InRange(accepted, 1, tried - 1);
        TestContext.Current.SendDiagnosticMessage($"boundary cases: {tried}, accepted {accepted}");
    }

    [Fact]
    public async Task Generated_requests_at_every_endpoint_get_a_documented_answer_in_the_right_envelope_and_never_a_5xx()
    {
        var user = await factory.SignUpAsync();
        var (tokenId, token) = await factory.Api(user.Token, user.WorkspaceId).CreateApiTokenAsync();
        var http = factory.CreateClient();
        var tried = 0;
        var statuses = new ConcurrentDictionary<int, int>();

        var printable = Gen.String[Gen.Char[' ', '~'], 0, 80];
        var anyText = Gen.OneOf(printable, Gen.String[0, 40], Gen.Const(""), Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Const(new string('x', 9_000)));
        var ids = Gen.OneOf(
            anyText.Where(s => s.Length > 0),
            Gen.OneOf(Gen.Const("tok_"), Gen.Const("ws_"), Gen.Const("usr_"), Gen.Const("ses_"), Gen.Const("inst_"), Gen.Const("oac_"), Gen.Const("inv_"), Gen.Const("x_"))
                .Select(Gen.Guid, (prefix, g) => prefix + g.ToString("N")),
            Gen.Const(tokenId), Gen.Const(user.WorkspaceId), Gen.Const(user.UserId));
        // Mostly real credentials, so most cases get past authentication to the body and the ids.
        var authorization = Gen.Frequency(
            (8, Gen.Const((string?)("Bearer " + user.Token))), (3, Gen.Const((string?)("Bearer " + token))), (1, Gen.Const((string?)null)),
            (1, printable.Select(s => (string?)s)), (1, printable.Select(s => (string?)("Bearer " + s))),
            (1, Gen.String[Gen.Char["0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"], 26, 26].Select(s => (string?)("Bearer sk_akua_" + s + "000000"))),
            (1, Gen.OneOf(Gen.Const((string?)"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), Gen.Const((string?)"Basic dXNlcjpwYXNz"), Gen.Const((string?)("Bearer  " + token + " x")))));
        var context = Gen.Frequency((3, Gen.Const((string?)user.WorkspaceId)), (1, Gen.Const((string?)null)), (1, printable.Select(s => (string?)s)), (1, ids.Select(s => (string?)s)));
        var query = Gen.OneOf(Gen.Const(""), anyText.Select(s => "?limit=" + Uri.EscapeDataString(s)), anyText.Select(s => "?cursor=" + Uri.EscapeDataString(s)),
            Gen.Int.Select(i => $"?limit={i}"), Gen.Const("?limit=99999999999999999999"), Gen.Const("?limit=1&limit=2"), Gen.Const("?cursor=%zz"));

        var scalar = Gen.OneOf(Gen.Const("null"), Gen.Const("true"), Gen.Const("1e400"), Gen.Const("-1e400"), Gen.Const("123456789012345678901234567890"),
            Gen.Const("-0"), Gen.Const("1.5"), Gen.Const("\"\\ud800\""), Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            anyText.Select(s => JsonSerializer.Serialize(s)), Gen.Const("\"owner\""), Gen.Const("\"member\""), Gen.Const("\"ok name\""));
        var json = Gen.Recursive<string>((depth, inner) => depth > 3
            ? scalar
            : Gen.Frequency(
                (4, scalar),
                (3, Gen.Select(Gen.OneOf(JsonFields.Select(f => Gen.Const(f)).ToArray()), inner).Array[0, 5]
                    .Select(fields => "{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{f.Item2}")) + "}")),
                (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]"))));
        var jsonBody = Gen.Frequency(
            (10, json.Select(s => (byte[]?)Encoding.UTF8.GetBytes(s))),
            (1, Gen.Const<byte[]?>(Encoding.UTF8.GetBytes(new string('[', 100) + new string(']', 100)))),
            (1, Gen.Const<byte[]?>(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"name\":", 60)) + "1" + new string('}', 60)))),
            (1, Gen.Const<byte[]?>(Encoding.UTF8.GetBytes("{\"name\":" + OneMegabyte + "}"))),
            (1, Gen.Byte.Array[1, 64].Select(b => (byte[]?)b)),
            (1, Gen.Const<byte[]?>([0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D])),
            (1, Gen.Const((byte[]?)null)),
            (1, printable.Select(s => (byte[]?)Encoding.UTF8.GetBytes(s))));
        var form = Gen.Select(Gen.OneOf(FormFields.Select(f => Gen.Const(f)).ToArray()), Gen.OneOf(anyText, Gen.Const("urn:ietf:params:oauth:grant-type:device_code"),
                Gen.Const("authorization_code"), Gen.Const("refresh_token"), Gen.Const("cnap-cli"), Gen.Const("%zz")))
            .Array[0, 6].Select(pairs => (byte[]?)Encoding.UTF8.GetBytes(string.Join("&", pairs.Select(p => p.Item1 + "=" + (p.Item2 == "%zz" ? p.Item2 : Uri.EscapeDataString(p.Item2))))));
        var contentType = Gen.OneOf(Gen.Const((string?)null), Gen.Const<string?>("text/plain"), Gen.Const<string?>("application/json; charset=latin1"));

        var cases = Gen.Select(Gen.Int[0, Endpoints.Length - 1], ids, authorization, context, query, Gen.Select(jsonBody, form, Gen.Int[0, 9], contentType));
        await cases.SampleAsync(async (endpoint, id, auth, workspace, q, body) =>
        {
            var e = Endpoints[endpoint];
            var (jsonBytes, formBytes, odd, oddType) = body;
            using var request = new HttpRequestMessage(e.Method, e.Path.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal) + (e.Method == HttpMethod.Get ? q : ""));
            if (auth is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", auth);
            }

            if (workspace is not null)
            {
                request.Headers.TryAddWithoutValidation("Akua-Context", workspace);
            }

            var bytes = e.Body switch { BodyKind.Json => jsonBytes, BodyKind.Form => formBytes, _ => odd == 0 ? jsonBytes : null };
            if (bytes is not null)
            {
                request.Content = new ByteArrayContent(bytes);
                var type = odd == 1 ? oddType : e.Body == BodyKind.Form ? "application/x-www-form-urlencoded" : "application/json";
                if (type is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
                }
            }

            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            Interlocked.Increment(ref tried);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(status < 500, $"{e.Method} {e.Path} answered {status}: {text}");
            if (status < 400)
            {
                return;
            }

            var oauth = e.Path.StartsWith("/oauth/", StringComparison.Ordinal) || e.Path.StartsWith("/api/auth/device/", StringComparison.Ordinal);
            using var document = JsonDocument.Parse(text);
            if (oauth && document.RootElement.TryGetProperty("error", out var oauthError) && oauthError.ValueKind == JsonValueKind.String)
            {
                Assert.Contains(oauthError.GetString()!, OAuthCodes);
                Assert.True(status is 400 or 401 or 429, $"{e.Path}: OAuth error with {status}");
                return;
            }

            Assert.False(oauth && status == 400, $"{e.Path}: a 400 without the OAuth shape: {text}");
            Assert.Contains(status, Documented);
            var error = document.RootElement.GetProperty("error");
            Assert.Contains(error.GetProperty("code").GetString()!, Codes);
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
            Assert.StartsWith("req_", error.GetProperty("request_id").GetString());
        }, iter: Cases, threads: 2);

        // Still healthy, and the fuzzer's own credentials still work.
        Assert.Equal(200, (int)(await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);
        await factory.Api(user.Token).ExpectAsync(200, HttpMethod.Get, "/v1/auth/whoami");
        Assert.True(tried >= 10_000, $"only {tried} cases ran");
        var figure = $"fuzz cases ({factory.Database.Provider}): {tried}; answers by status: {string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key} x{p.Value}"))}";
        TestContext.Current.SendDiagnosticMessage(figure);
        var folder = Path.Combine(Akua.TestSupport.Repository.Root, "artifacts", "reliability");
        Directory.CreateDirectory(folder);
        await File.AppendAllTextAsync(Path.Combine(folder, "figures.txt"), $"{DateTime.UtcNow:O} {figure}{Environment.NewLine}", TestContext.Current.CancellationToken);
    }
}

public sealed class SqliteFuzzTests(SqliteApiFactory factory) : FuzzTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresFuzzTests(PostgresApiFactory factory) : FuzzTests(factory), IClassFixture<PostgresApiFactory>;
