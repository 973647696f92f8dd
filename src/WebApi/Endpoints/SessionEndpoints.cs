using Akua.Application.Accounts.WhoAmI;
using Akua.Application.Sessions.ListSessions;
using Akua.Application.Sessions.RevokeOtherSessions;
using Akua.Application.Sessions.RevokeSession;
using Akua.WebApi.Authentication;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary><c>/v1/auth/whoami</c> and <c>/v1/sessions</c>: the caller's own credential and sessions.</summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/auth/whoami", async (IMediator mediator, CancellationToken ct) => TypedResults.Ok(await mediator.Send(new WhoAmIQuery(), ct)))
            .WithTags("Auth").RequireCredential().WithName("whoAmI").WithSummary("Who this credential is, and when it expires");

        var group = app.MapGroup("/v1/sessions").WithTags("Sessions").RequireCredential();

        group.MapGet("/", async (int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListSessionsQuery(EndpointConventions.Page(limit, cursor)), ct)))
            .WithName("listSessions").WithSummary("List your sessions");

        group.MapDelete("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new RevokeSessionCommand(id), ct);
            return TypedResults.NoContent();
        }).WithName("endSession").WithSummary("End one of your sessions");

        group.MapDelete("/", async (IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new RevokeOtherSessionsCommand(), ct);
            return TypedResults.NoContent();
        }).WithName("endOtherSessions").WithSummary("End all your sessions but the current one");

        return app;
    }
}
