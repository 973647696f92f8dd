using Akua.Infrastructure.Persistence;
using Akua.WebApi.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Akua.WebApi.Http;

/// <summary>
/// Refuses to start a server with an endpoint that declares none of <c>RequireCredential()</c> (the API),
/// <c>RequireAuthorization()</c> (the pages) and <c>AllowAnonymous()</c>: nothing runs open by accident. (No fallback policy, so an unknown route stays a 404.)
/// </summary>
public static class EndpointAuthorizationCheck
{
    public static IReadOnlyList<string> Undeclared(IEndpointRouteBuilder app) =>
        app.DataSources.SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetMetadata<IAuthorizeData>() is null
                && e.Metadata.GetMetadata<RequiresCredentialMetadata>() is null)
            .Select(e => e.DisplayName ?? e.RoutePattern.RawText ?? "?")
            .ToList();

    public static void Verify(IEndpointRouteBuilder app)
    {
        var undeclared = Undeclared(app);
        if (undeclared.Count > 0)
        {
            throw new StartupException("Endpoints without an authorization declaration: " + string.Join(", ", undeclared));
        }
    }
}
