using Akua.Application.Installs.CreateInstall;
using Akua.Application.Installs.DeleteInstall;
using Akua.Application.Installs.GetInstall;
using Akua.Application.Installs.ListInstalls;
using Akua.WebApi.Authentication;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary><c>/v1/installs</c>: a small workspace-scoped resource.</summary>
public static class InstallEndpoints
{
    public sealed record CreateInstallRequest(string Name, string Product);

    public static IEndpointRouteBuilder MapInstallEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/installs").WithTags("Installs").RequireCredential();

        group.MapGet("/", async (int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListInstallsQuery(EndpointConventions.Page(limit, cursor)), ct)))
            .WorkspaceScoped<ListInstallsQuery>().WithName("listInstalls").WithSummary("List the workspace's installs");

        group.MapPost("/", async (CreateInstallRequest body, IMediator mediator, CancellationToken ct) =>
        {
            var created = await mediator.Send(new CreateInstallCommand(body.Name, body.Product), ct);
            return TypedResults.Created($"/v1/installs/{created.Id}", created);
        }).WorkspaceScoped<CreateInstallCommand>().WithName("createInstall").WithSummary("Create an install (owner or admin)");

        group.MapGet("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new GetInstallQuery(id), ct)))
            .WorkspaceScoped<GetInstallQuery>().WithName("getInstall").WithSummary("Get one install");

        group.MapDelete("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new DeleteInstallCommand(id), ct);
            return TypedResults.NoContent();
        }).WorkspaceScoped<DeleteInstallCommand>().WithName("deleteInstall").WithSummary("Delete an install (owner or admin)");

        return app;
    }
}
