using Akua.Application.ApiTokens.CreateApiToken;
using Akua.Application.ApiTokens.GetApiToken;
using Akua.Application.ApiTokens.ListApiTokens;
using Akua.Application.ApiTokens.RevokeApiToken;
using Akua.Domain.Workspaces;
using Akua.WebApi.Authentication;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary><c>/v1/api_tokens</c>: the workspace's API tokens (API.md section 8).</summary>
public static class ApiTokenEndpoints
{
    public sealed record CreateApiTokenRequest(string Name, long? ExpiresAt = null, WorkspaceRole? Role = null);

    public static IEndpointRouteBuilder MapApiTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/api_tokens").WithTags("API tokens").RequireCredential();

        group.MapPost("/", async (CreateApiTokenRequest body, IMediator mediator, CancellationToken ct) =>
        {
            var created = await mediator.Send(new CreateApiTokenCommand(body.Name, body.ExpiresAt, body.Role), ct);
            return TypedResults.Created($"/v1/api_tokens/{created.Id}", created);
        }).WorkspaceScoped().WithName("createApiToken").WithSummary("Create a workspace API token (owner or admin); the token is in this answer only").CarriesSecret();

        group.MapGet("/", async (int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListApiTokensQuery(EndpointConventions.Page(limit, cursor)), ct)))
            .WorkspaceScoped().WithName("listApiTokens").WithSummary("List the workspace's API tokens, newest first");

        group.MapGet("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new GetApiTokenQuery(id), ct)))
            .WorkspaceScoped().WithName("getApiToken").WithSummary("Get one API token");

        group.MapDelete("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new RevokeApiTokenCommand(id), ct);
            return TypedResults.NoContent();
        }).WorkspaceScoped().WithName("revokeApiToken").WithSummary("Revoke (delete) an API token at once (owner or admin)");

        return app;
    }
}
