using Akua.Application.Invitations.InviteMember;
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
    public sealed record InviteMemberRequest(string? Email = null, string? UserId = null, WorkspaceRole? Role = null);

    public sealed record ChangeMemberRoleRequest(WorkspaceRole Role);

    public static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/members").WithTags("Members").RequireCredential();

        group.MapGet("/", async (int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListMembersQuery(EndpointConventions.Page(limit, cursor)), ct)))
            .WorkspaceScoped<ListMembersQuery>().WithName("listMembers").WithSummary("List the workspace's members");

        // Kept for clients written against the first version: it invites (the same as POST /v1/invitations) and
        // adds no one until they accept, and answers the same whether or not the account exists.
        group.MapPost("/", InvitationEndpoints.InviteAsync).WorkspaceScoped<InviteMemberCommand>().CarriesSecret().WithName("addMember").WithSummary("Invite someone by email or user_id (owner or admin); they become a member when they accept");

        group.MapPatch("/{userId}", async (string userId, ChangeMemberRoleRequest body, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ChangeMemberRoleCommand(userId, body.Role), ct)))
            .WorkspaceScoped<ChangeMemberRoleCommand>().WithName("changeMemberRole").WithSummary("Change a member's role; the last owner cannot be demoted");

        group.MapDelete("/{userId}", async (string userId, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new RemoveMemberCommand(userId), ct);
            return TypedResults.NoContent();
        }).WorkspaceScoped<RemoveMemberCommand>().WithName("removeMember").WithSummary("Remove a member; the last owner cannot be removed");

        return app;
    }
}
