using Akua.Application.Workspaces.CreateWorkspace;
using Akua.Application.Workspaces.GetWorkspace;
using Akua.Application.Workspaces.ListWorkspaces;
using Akua.Application.Workspaces.UpdateWorkspace;
using Akua.WebApi.Authentication;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary><c>/v1/workspaces</c>: not scoped by Akua-Context; the route names the workspace.</summary>
public static class WorkspaceEndpoints
{
    public sealed record CreateWorkspaceRequest(string Name, string? Slug = null);

    public sealed record UpdateWorkspaceRequest(string? Name = null, string? Slug = null);

    public static IEndpointRouteBuilder MapWorkspaceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/workspaces").WithTags("Workspaces").RequireCredential();

        group.MapGet("/", async (int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListWorkspacesQuery(EndpointConventions.Page(limit, cursor)), ct)))
            .WithName("listWorkspaces").WithSummary("List the caller's workspaces (a workspace token sees only its own)");

        group.MapPost("/", async (CreateWorkspaceRequest body, IMediator mediator, CancellationToken ct) =>
        {
            var created = await mediator.Send(new CreateWorkspaceCommand(body.Name, body.Slug), ct);
            return TypedResults.Created($"/v1/workspaces/{created.Id}", created);
        }).WithName("createWorkspace").WithSummary("Create a workspace; the caller becomes its owner");

        group.MapGet("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new GetWorkspaceQuery(id), ct)))
            .WithName("getWorkspace").WithSummary("Get a workspace the caller belongs to");

        // The route id wins: the body cannot name another workspace.
        group.MapPatch("/{id}", async (string id, UpdateWorkspaceRequest body, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new UpdateWorkspaceCommand(id, body.Name, body.Slug), ct)))
            .WithName("updateWorkspace").WithSummary("Rename a workspace (owner or admin)");

        return app;
    }
}
