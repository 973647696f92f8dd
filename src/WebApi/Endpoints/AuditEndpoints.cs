using Akua.Application.Audit;
using Akua.Application.Audit.ListAuditEvents;
using Akua.Application.Audit.ListMyAuditEvents;
using Akua.WebApi.Authentication;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary><c>/v1/audit_events</c>: the workspace's audit log (owners and admins) and the caller's own account events.</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/audit_events").WithTags("Audit log").RequireCredential();

        group.MapGet("/", async (int? limit, string? cursor, string? action, string? actor_id, long? since, long? until, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListAuditEventsQuery(EndpointConventions.Page(limit, cursor), new AuditFilter(action, actor_id, since, until)), ct)))
            .WorkspaceScoped<ListAuditEventsQuery>().WithName("listAuditEvents")
            .WithSummary("List the workspace's audit events, newest first (owner or admin); filter by action (or a family such as api_token.), actor_id, since and until (Unix seconds)");

        group.MapGet("/me", async (int? limit, string? cursor, string? action, string? actor_id, long? since, long? until, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListMyAuditEventsQuery(EndpointConventions.Page(limit, cursor), new AuditFilter(action, actor_id, since, until)), ct)))
            .WithName("listMyAuditEvents")
            .WithSummary("List the caller's own account events (sign-ins, sessions, device logins, grants, and what the caller did), newest first");

        return app;
    }
}
