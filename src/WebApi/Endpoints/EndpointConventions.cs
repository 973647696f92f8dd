using Akua.Application.Common.Authorization;
using Akua.Application.Common.Paging;
using Akua.Domain.Workspaces;

namespace Akua.WebApi.Endpoints;

/// <summary>Marks an endpoint that acts in the workspace named by the credential or the Akua-Context header.</summary>
public sealed class WorkspaceScopedMetadata;

/// <summary>
/// The permission and minimum role of the workspace request an endpoint sends, read from the request's own
/// declaration (the one the authorization behaviour enforces), for the OpenAPI document.
/// </summary>
public sealed record RequiredPermissionMetadata(Permission Permission, WorkspaceRole MinimumRole);

public static class EndpointConventions
{
    /// <summary>
    /// The endpoint sends <typeparamref name="TRequest"/> in the workspace named by the credential or the
    /// Akua-Context header; the document shows what it needs.
    /// </summary>
    public static RouteHandlerBuilder WorkspaceScoped<TRequest>(this RouteHandlerBuilder builder)
        where TRequest : IWorkspaceRequest =>
        builder.WithMetadata(new WorkspaceScopedMetadata()).Needs<TRequest>();

    /// <summary>The endpoint sends <typeparamref name="TRequest"/> (a workspace request whose route names the workspace).</summary>
    public static RouteHandlerBuilder Needs<TRequest>(this RouteHandlerBuilder builder)
        where TRequest : IWorkspaceRequest =>
        builder.WithMetadata(new RequiredPermissionMetadata(TRequest.Permission, TRequest.MinimumRole));

    /// <summary>
    /// The answer carries a secret shown once (a session token, an API token, a client secret): no cache, shared
    /// or private, may keep it (RFC 9111 section 5.2.2.5), whatever the outcome.
    /// </summary>
    public static RouteHandlerBuilder CarriesSecret(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(async (context, next) =>
    {
        Http.OAuthResponses.NoStore(context.HttpContext);
        return await next(context);
    });

    /// <summary>The API's list parameters, as sent: <see cref="Akua.Application.Common.Paging.IPagedQuery"/> queries check them (a bad one is a 400).</summary>
    public static PageRequest Page(int? limit, string? cursor) => new(limit, cursor);
}
