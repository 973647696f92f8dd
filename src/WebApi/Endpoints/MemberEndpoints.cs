using Akua.Application.Members.AddMember;
using Akua.Application.Members.ChangeMemberRole;
using Akua.Application.Members.ListMembers;
using Akua.Application.Members.RemoveMember;
using Akua.Domain.Workspaces;
using Akua.WebApi.Authentication;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary><c>/v1/members</c>: the current workspace's members.</summary>
public static class MemberEndpoints
{
    public sealed record AddMemberRequest(string? Email = null, string? UserId = null, WorkspaceRole? Role = null);

    public sealed record ChangeMemberRoleRequest(WorkspaceRole Role);

    public static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/members").WithTags("Members").RequireCredential();

        group.MapGet("/", async (int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListMembersQuery(EndpointConventions.Page(limit, cursor)), ct)))
            .WorkspaceScoped().WithSummary("List the workspace's members");

        group.MapPost("/", async (AddMemberRequest body, IMediator mediator, CancellationToken ct) =>
        {
            var added = await mediator.Send(new AddMemberCommand(body.Email, body.UserId, body.Role ?? WorkspaceRole.Member), ct);
            return TypedResults.Created($"/v1/members/{added.UserId}", added);
        }).WorkspaceScoped().WithSummary("Add an existing user by email or user_id (owner or admin)");

        group.MapPatch("/{userId}", async (string userId, ChangeMemberRoleRequest body, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ChangeMemberRoleCommand(userId, body.Role), ct)))
            .WorkspaceScoped().WithSummary("Change a member's role; the last owner cannot be demoted");

        group.MapDelete("/{userId}", async (string userId, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new RemoveMemberCommand(userId), ct);
            return TypedResults.NoContent();
        }).WorkspaceScoped().WithSummary("Remove a member; the last owner cannot be removed");

        return app;
    }
}
