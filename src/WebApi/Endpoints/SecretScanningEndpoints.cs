using System.Text.Json;
using Akua.Application.ApiTokens.ReportLeakedTokens;
using Akua.Infrastructure.Credentials.SecretScanning;
using Akua.WebApi.Http;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary>
/// <c>POST /v1/secret_scanning/github</c>: GitHub's secret scanning partner program reports <c>sk_akua_</c> tokens
/// found in public; each live one is revoked at once. Anonymous, but nothing happens unless the body is signed
/// by a key configured in <c>SecretScanning:PublicKeys</c>.
/// </summary>
public static class SecretScanningEndpoints
{
    /// <summary>One match in GitHub's report (its documented fields; others it may add are ignored).</summary>
    public sealed record GitHubMatch(string? Token, string? Type, string? Url, string? Source);

    public const string KeyIdentifierHeader = "Github-Public-Key-Identifier";
    public const string SignatureHeader = "Github-Public-Key-Signature";
    public const string Scanner = "github_secret_scanning";

    private static readonly JsonSerializerOptions Lenient = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IEndpointRouteBuilder MapSecretScanningEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/secret_scanning/github", ReportAsync).AllowAnonymous().WithTags("Secret scanning").WithName("reportLeakedTokens")
            .WithSummary("Receive GitHub's secret scanning report: every live token in it is revoked at once (signed with ECDSA P-256 by a configured key)")
            .Accepts<List<GitHubMatch>>("application/json")
            .Produces<List<LeakVerdict>>()
            .Produces<ApiErrorEnvelope>(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task ReportAsync(HttpContext http, ScannerSignatures signatures, IMediator mediator, CancellationToken ct)
    {
        // The signature covers the bytes as sent: read them before anything parses them.
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (!signatures.Verify(http.Request.Headers[KeyIdentifierHeader].ToString(), http.Request.Headers[SignatureHeader].ToString(), body))
        {
            await ApiErrors.WriteAsync(http, StatusCodes.Status401Unauthorized,
                $"The report is not signed by a known key ({KeyIdentifierHeader} and {SignatureHeader} over the raw body); nothing was revoked.");
            return;
        }

        List<GitHubMatch>? matches;
        try
        {
            matches = JsonSerializer.Deserialize<List<GitHubMatch>>(body, Lenient);
        }
        catch (JsonException)
        {
            await ApiErrors.WriteAsync(http, StatusCodes.Status400BadRequest, "The report is not a JSON array of matches.");
            return;
        }

        if (matches is null || matches.Count > ReportLeakedTokensCommand.MaxBatch || matches.Any(m => m is null || string.IsNullOrEmpty(m.Token) || m.Token.Length > 1024))
        {
            await ApiErrors.WriteAsync(http, StatusCodes.Status422UnprocessableEntity,
                $"The report is an array of at most {ReportLeakedTokensCommand.MaxBatch} matches, each with a token.");
            return;
        }

        var verdicts = await mediator.Send(new ReportLeakedTokensCommand(matches.Select(m => new LeakedToken(m.Token!, m.Type, m.Url, m.Source)).ToList(), Scanner), ct);
        OAuthResponses.NoStore(http);
        await http.Response.WriteAsJsonAsync(verdicts, AkuaJson.Options, ct);
    }
}
