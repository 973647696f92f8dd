using Akua.Application.ApiTokens.CreateApiToken;
using Akua.Application.ApiTokens.GetApiToken;
using Akua.Application.ApiTokens.GetApiTokenUsage;
using Akua.Application.ApiTokens.ListApiTokens;
using Akua.Application.ApiTokens.RevokeApiToken;
using Akua.Application.ApiTokens.RollApiToken;
using Akua.Domain.Workspaces;
using Akua.WebApi.Authentication;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary><c>/v1/api_tokens</c>: the workspace's API tokens (API.md section 8).</summary>
public static class ApiTokenEndpoints
{
    /// <param name="Permissions">What the token may do (<c>installs:read</c>, <c>installs:write</c>, ...); omitted: everything its role allows.</param>
    /// <param name="AllowedIps">
    /// The networks it may be used from (IPv4 or IPv6 CIDR, a bare address is one host, up to 32); omitted for any
    /// address. A request from elsewhere is 403 <c>ip_not_allowed</c>.
    /// </param>
    public sealed record CreateApiTokenRequest(
        string Name, long? ExpiresAt = null, WorkspaceRole? Role = null, IReadOnlyList<string>? Permissions = null, IReadOnlyList<string>? AllowedIps = null);

    /// <param name="ExpiresIn">How long the old token keeps working, in seconds: 0 to 604800 (7 days), default 86400.</param>
    /// <param name="ExpiresAt">The new token's expiry (Unix seconds); by default it lives as long as the old one did.</param>
    public sealed record RollApiTokenRequest(long? ExpiresIn = null, long? ExpiresAt = null);

    public static IEndpointRouteBuilder MapApiTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/api_tokens").WithTags("API tokens").RequireCredential();

        group.MapPost("/", async (CreateApiTokenRequest body, IMediator mediator, CancellationToken ct) =>
        {
            var created = await mediator.Send(new CreateApiTokenCommand(body.Name, body.ExpiresAt, body.Role, body.Permissions, body.AllowedIps), ct);
            return TypedResults.Created($"/v1/api_tokens/{created.Id}", created);
        }).WorkspaceScoped<CreateApiTokenCommand>().WithName("createApiToken").WithSummary("Create a workspace API token (owner or admin); the token is in this answer only").CarriesSecret();

        group.MapGet("/", async (int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListApiTokensQuery(EndpointConventions.Page(limit, cursor)), ct)))
            .WorkspaceScoped<ListApiTokensQuery>().WithName("listApiTokens").WithSummary("List the workspace's API tokens, newest first");

        group.MapGet("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new GetApiTokenQuery(id), ct)))
            .WorkspaceScoped<GetApiTokenQuery>().WithName("getApiToken").WithSummary("Get one API token");

        group.MapDelete("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new RevokeApiTokenCommand(id), ct);
            return TypedResults.NoContent();
        }).WorkspaceScoped<RevokeApiTokenCommand>().WithName("revokeApiToken").WithSummary("Revoke (delete) an API token at once (owner or admin)");

        group.MapPost("/{id}/roll", async (string id, RollApiTokenRequest? body, IMediator mediator, CancellationToken ct) =>
        {
            var rolled = await mediator.Send(new RollApiTokenCommand(id, body?.ExpiresIn, body?.ExpiresAt), ct);
            return TypedResults.Created($"/v1/api_tokens/{rolled.Id}", rolled);
        }).WorkspaceScoped<RollApiTokenCommand>().WithName("rollApiToken").CarriesSecret()
            .WithSummary("Replace a token with a new one (shown once); the old one keeps working for expires_in seconds (owner or admin)");

        group.MapGet("/{id}/usage", async (string id, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok((await mediator.Send(new GetApiTokenUsageQuery([id]), ct))[0]))
            .WorkspaceScoped<GetApiTokenUsageQuery>().WithName("getApiTokenUsage").WithSummary("A token's requests per UTC day over the last 90 days");

        return app;
    }
}
