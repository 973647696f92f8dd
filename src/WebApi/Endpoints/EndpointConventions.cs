using Akua.Application.Common.Paging;

namespace Akua.WebApi.Endpoints;

/// <summary>Marks an endpoint that acts in the workspace named by the credential or the Akua-Context header.</summary>
public sealed class WorkspaceScopedMetadata;

public static class EndpointConventions
{
    public static RouteHandlerBuilder WorkspaceScoped(this RouteHandlerBuilder builder) => builder.WithMetadata(new WorkspaceScopedMetadata());

    /// <summary>The API's list parameters; a bad one is a 400 before anything runs.</summary>
    public static PageRequest Page(int? limit, string? cursor) => new(limit, cursor);
}
