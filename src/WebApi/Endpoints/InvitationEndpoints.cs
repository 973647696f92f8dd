using Akua.Application.Invitations.DecideInvitation;
using Akua.Application.Invitations.InviteMember;
using Akua.Application.Invitations.ListInvitations;
using Akua.Application.Invitations.ListMyInvitations;
using Akua.Application.Invitations.RevokeInvitation;
using Akua.WebApi.Authentication;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using static Akua.WebApi.Endpoints.MemberEndpoints;

namespace Akua.WebApi.Endpoints;

/// <summary>
/// <c>/v1/invitations</c>: the current workspace's invitations (owners and admins invite and revoke);
/// <c>/v1/user/invitations</c>: the caller's own, which they accept or decline.
/// </summary>
public static class InvitationEndpoints
{
    /// <summary>An email invitation's code, from the link the inviter sent (not needed for an invitation by user id).</summary>
    public sealed record DecideInvitationRequest(string? Code = null)
    {
        public override string ToString() => "DecideInvitationRequest { Code = *** }";
    }

    /// <summary>Invites (here and at <c>POST /v1/members</c>, which the first version's clients call).</summary>
    internal static async Task<Created<Application.Invitations.InvitationResponse>> InviteAsync(InviteMemberRequest body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Created((string?)null, await mediator.Send(new InviteMemberCommand(body.Email, body.UserId, body.Role ?? Domain.Workspaces.WorkspaceRole.Member), ct));

    public static IEndpointRouteBuilder MapInvitationEndpoints(this IEndpointRouteBuilder app)
    {
        var workspace = app.MapGroup("/v1/invitations").WithTags("Invitations").RequireCredential();

        workspace.MapPost("/", InviteAsync).WorkspaceScoped<InviteMemberCommand>().CarriesSecret()
            .WithName("inviteMember").WithSummary("Invite someone by email or user_id (owner or admin); the same answer whether or not they have an account; an email invitation's code and accept_url are in this answer only");

        workspace.MapGet("/", async (int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListInvitationsQuery(EndpointConventions.Page(limit, cursor)), ct)))
            .WorkspaceScoped<ListInvitationsQuery>().WithName("listInvitations").WithSummary("List the workspace's open invitations, newest first");

        workspace.MapDelete("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new RevokeInvitationCommand(id), ct);
            return TypedResults.NoContent();
        }).WorkspaceScoped<RevokeInvitationCommand>().WithName("revokeInvitation").WithSummary("Revoke an open invitation (owner or admin; an owner's invitation: owner)");

        var mine = app.MapGroup("/v1/user/invitations").WithTags("Invitations").RequireCredential();

        mine.MapGet("/", async (IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListMyInvitationsQuery(), ct)))
            .WithName("listMyInvitations").WithSummary("Your open invitations (to your email or your user id)");

        mine.MapPost("/{id}/accept", async (string id, DecideInvitationRequest? body, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new DecideInvitationCommand(id, Accept: true, body?.Code), ct)))
            .WithName("acceptInvitation").WithSummary("Accept an invitation: you become a member with its role; answers the workspace");

        mine.MapPost("/{id}/decline", async (string id, DecideInvitationRequest? body, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new DecideInvitationCommand(id, Accept: false, body?.Code), ct);
            return TypedResults.NoContent();
        }).WithName("declineInvitation").WithSummary("Decline an invitation");

        return app;
    }
}
