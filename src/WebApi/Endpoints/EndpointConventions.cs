using Akua.Application.Common.Paging;

namespace Akua.WebApi.Endpoints;

/// <summary>Marks an endpoint that acts in the workspace named by the credential or the Akua-Context header.</summary>
public sealed class WorkspaceScopedMetadata;

public static class EndpointConventions
{
    public static RouteHandlerBuilder WorkspaceScoped(this RouteHandlerBuilder builder) => builder.WithMetadata(new WorkspaceScopedMetadata());

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
