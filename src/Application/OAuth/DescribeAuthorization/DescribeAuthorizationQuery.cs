using Akua.Domain.OAuth;

namespace Akua.Application.OAuth.DescribeAuthorization;

/// <summary>
/// Checks an authorization request for the consent page. An unknown client or a redirect URI that is not
/// registered is shown to the user and never redirected to (RFC 6749 section 4.1.2.1); any other mistake
/// is sent back to the client's redirect URI as an error.
/// </summary>
public sealed record DescribeAuthorizationQuery(AuthorizationRequest Request) : IQuery<AuthorizationPrompt>, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

/// <summary>
/// What the consent page shows (who approves, which application of which workspace, and the host the browser
/// goes to next), or where to send the browser with an error instead.
/// </summary>
public sealed record AuthorizationPrompt(
    string ClientName, string WorkspaceName, string Scope, string? ErrorRedirect, string AccountName, string AccountEmail, string RedirectHost);

internal sealed class DescribeAuthorizationHandler(IApplicationDbContext db, ICurrentPrincipal principal, IIssuer issuer)
    : IQueryHandler<DescribeAuthorizationQuery, AuthorizationPrompt>
{
    public async ValueTask<AuthorizationPrompt> Handle(DescribeAuthorizationQuery query, CancellationToken cancellationToken)
    {
        var (client, workspace) = await AuthorizationChecks.ClientAndRedirectAsync(db, query.Request, cancellationToken);
        var error = AuthorizationChecks.RedirectError(query.Request, issuer.Issuer);
        var userId = principal.RequireUser();
        var account = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Name, u.Email }).SingleAsync(cancellationToken);
        // The redirect URI is registered (checked above), so it parses; a native app's scheme has no host.
        var target = new Uri(query.Request.RedirectUri!);
        var host = target.IsDefaultPort || string.IsNullOrEmpty(target.Host) ? target.Host : $"{target.Host}:{target.Port}";
        return new AuthorizationPrompt(client.Name, workspace, query.Request.Scope ?? OAuthScopes.Default, error,
            account.Name, account.Email, host.Length > 0 ? host : target.Scheme + ":");
    }
}

internal static class AuthorizationChecks
{
    public static async Task<(OAuthClient Client, string WorkspaceName)> ClientAndRedirectAsync(IApplicationDbContext db, AuthorizationRequest request, CancellationToken cancellationToken)
    {
        var client = request.ClientId is null ? null : await db.OAuthClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == request.ClientId, cancellationToken);
        if (client is null)
        {
            throw DomainException.BadRequest("Unknown application (client_id). The link that brought you here is wrong.");
        }

        if (!client.AllowsRedirect(request.RedirectUri))
        {
            throw DomainException.BadRequest("The application asked to return to an address it has not registered (redirect_uri). Nothing was sent to it.");
        }

        var workspace = await db.Workspaces.AsNoTracking().Where(w => w.Id == client.WorkspaceId).Select(w => w.Name).SingleAsync(cancellationToken);
        return (client, workspace);
    }

    /// <summary>The error to send back to a trusted redirect URI, or null when the request is well-formed.</summary>
    public static string? RedirectError(AuthorizationRequest request, string issuer)
    {
        var (error, description) = request switch
        {
            { ResponseType: not "code" } => ("unsupported_response_type", "Only response_type=code is supported."),
            { CodeChallenge: null or "" } => ("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256."),
            { CodeChallengeMethod: not "S256" } => ("invalid_request", "Only code_challenge_method=S256 is supported."),
            { CodeChallenge.Length: < 43 or > 128 } => ("invalid_request", "code_challenge is malformed."),
            { Scope: { } scope } when scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => !OAuthScopes.Supported.Contains(s)) =>
                ("invalid_scope", "Unknown scope."),
            _ => (null, null),
        };
        return error is null ? null : Redirect(request, issuer, [("error", error), ("error_description", description!)]);
    }

    /// <summary>
    /// The client's redirect URI with the given parameters, the request's state, and the issuer (RFC 9207: a
    /// client that talks to several servers can tell which one answered, against mix-up attacks).
    /// </summary>
    public static string Redirect(AuthorizationRequest request, string issuer, IEnumerable<(string Name, string Value)> parameters)
    {
        var all = parameters.ToList();
        if (request.State is not null)
        {
            all.Add(("state", request.State));
        }

        all.Add(("iss", issuer));

        var query = string.Join('&', all.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));
        return request.RedirectUri + (request.RedirectUri!.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }
}
