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

    /// <summary>PATCH: an absent field stays as it is.</summary>
    public sealed record UpdateWorkspaceRequest
    {
        public string? Name { get; init; }

        public string? Slug { get; init; }

        /// <summary>
        /// Seconds (60 to 100 years), or null to lift the limit. A JSON null arrives as a Null element and an absent
        /// field as an Undefined one, which is how the two differ (no default value: the schema writer cannot print one).
        /// </summary>
        [System.ComponentModel.Description("The longest an API token may live, in seconds (60 to 3153600000), or null for no limit; owners only. Absent: unchanged.")]
        public System.Text.Json.JsonElement MaxTokenLifetime { get; init; }
    }

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
            .Needs<GetWorkspaceQuery>().WithName("getWorkspace").WithSummary("Get a workspace the caller belongs to");

        // The route id wins: the body cannot name another workspace.
        group.MapPatch("/{id}", async (string id, UpdateWorkspaceRequest body, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new UpdateWorkspaceCommand(id, body.Name, body.Slug, body.MaxTokenLifetime.ValueKind != System.Text.Json.JsonValueKind.Undefined, LifetimeOf(body.MaxTokenLifetime)), ct)))
            .Needs<UpdateWorkspaceCommand>().WithName("updateWorkspace").WithSummary("Rename a workspace (owner or admin) or set its token lifetime policy (owner)");

        return app;
    }

    // max_token_lifetime is a number of seconds or null (a JSON null binds as a Null element, an absent field as
    // Undefined); anything else is a 422 naming the field.
    private static long? LifetimeOf(System.Text.Json.JsonElement value) => value switch
    {
        { ValueKind: System.Text.Json.JsonValueKind.Undefined or System.Text.Json.JsonValueKind.Null } => null,
        { ValueKind: System.Text.Json.JsonValueKind.Number } number when number.TryGetInt64(out var seconds) => seconds,
        _ => throw new FluentValidation.ValidationException([new FluentValidation.Results.ValidationFailure("max_token_lifetime", "max_token_lifetime is a whole number of seconds, or null for no limit.")]),
    };
}
