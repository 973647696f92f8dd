namespace Akua.WebApi.Authentication;

/// <summary>Marks an API endpoint that needs a valid bearer credential (any kind).</summary>
public sealed class RequiresCredentialMetadata
{
    public static readonly RequiresCredentialMetadata Instance = new();

    private RequiresCredentialMetadata()
    {
    }
}

public static class RequireCredentialExtensions
{
    /// <summary>
    /// The API's declaration that a bearer credential is needed. It is checked by
    /// <see cref="BearerAuthenticationMiddleware"/> (a 401 challenge before the endpoint runs) and again, with the
    /// workspace and role rules, by the Application's authorization behaviour. See ADR 0013 for why this is
    /// not an ASP.NET authorization policy.
    /// </summary>
    public static TBuilder RequireCredential<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RequiresCredentialMetadata.Instance);
}
