using Akua.Application.OAuthClients.DeleteOAuthClient;
using Akua.Application.OAuthClients.ListOAuthClients;
using Akua.Application.OAuthClients.RegisterOAuthClient;
using Akua.Domain.OAuth;
using Akua.WebApi.Authentication;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary><c>/v1/oauth_clients</c>: the workspace's integrations (API.md section 7).</summary>
public static class OAuthClientEndpoints
{
    /// <param name="Scopes">
    /// The scopes it may ask users for; omitted: every scope but <c>api_tokens:write</c>, <c>oauth_clients:write</c>
    /// and <c>members:write</c>, which a client gets only by naming them here.
    /// </param>
    /// <param name="AllowedIps">
    /// The networks its access tokens may be used from (IPv4 or IPv6 CIDR, up to 32); omitted for any address. A
    /// call from elsewhere is 403 <c>ip_not_allowed</c>.
    /// </param>
    public sealed record RegisterOAuthClientRequest(
        string Name, IReadOnlyList<string> RedirectUris, OAuthClientType Type = OAuthClientType.Confidential, IReadOnlyList<string>? Scopes = null,
        IReadOnlyList<string>? AllowedIps = null);

    public static IEndpointRouteBuilder MapOAuthClientEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/oauth_clients").WithTags("OAuth clients").RequireCredential();

        group.MapPost("/", async (RegisterOAuthClientRequest body, IMediator mediator, CancellationToken ct) =>
        {
            var created = await mediator.Send(new RegisterOAuthClientCommand(body.Name, body.RedirectUris ?? [], body.Type, body.Scopes, body.AllowedIps), ct);
            return TypedResults.Created($"/v1/oauth_clients/{created.Id}", created);
        }).WorkspaceScoped<RegisterOAuthClientCommand>().WithName("createOAuthClient").WithSummary("Register an integration (owner or admin); a confidential client's secret is in this answer only").CarriesSecret();

        group.MapGet("/", async (int? limit, string? cursor, IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new ListOAuthClientsQuery(EndpointConventions.Page(limit, cursor)), ct)))
            .WorkspaceScoped<ListOAuthClientsQuery>().WithName("listOAuthClients").WithSummary("List the workspace's integrations");

        group.MapDelete("/{id}", async (string id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new DeleteOAuthClientCommand(id), ct);
            return TypedResults.NoContent();
        }).WorkspaceScoped<DeleteOAuthClientCommand>().WithName("deleteOAuthClient").WithSummary("Delete an integration and revoke its refresh tokens (owner or admin)");

        return app;
    }
}
