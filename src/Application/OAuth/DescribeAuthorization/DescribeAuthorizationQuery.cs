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
/// What the consent page shows (who approves, which application of which workspace, what it may do, and the
/// host the browser goes to next), or where to send the browser with an error instead.
/// </summary>
/// <param name="Scope">The scope as asked (or the default), what the grant will carry.</param>
/// <param name="Permissions">What that scope lets the application do, write implying read.</param>
public sealed record AuthorizationPrompt(
    string ClientName, string WorkspaceName, string Scope, Permission Permissions, string? ErrorRedirect, string AccountName, string AccountEmail, string RedirectHost);

internal sealed class DescribeAuthorizationHandler(IApplicationDbContext db, ICurrentPrincipal principal, IIssuer issuer)
    : IQueryHandler<DescribeAuthorizationQuery, AuthorizationPrompt>
{
    public async ValueTask<AuthorizationPrompt> Handle(DescribeAuthorizationQuery query, CancellationToken cancellationToken)
    {
        var (client, workspace) = await AuthorizationChecks.ClientAndRedirectAsync(db, query.Request, cancellationToken);
        var error = AuthorizationChecks.RedirectError(query.Request, client, issuer.Issuer, out var scope);
        var userId = principal.RequireUser();
        var account = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Name, u.Email }).SingleAsync(cancellationToken);
        // The redirect URI is registered (checked above), so it parses; a native app's scheme has no host.
        var target = new Uri(query.Request.RedirectUri!);
        var host = target.IsDefaultPort || string.IsNullOrEmpty(target.Host) ? target.Host : $"{target.Host}:{target.Port}";
        return new AuthorizationPrompt(client.Name, workspace, scope.Text, scope.Permissions, error,
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

    /// <summary>
    /// The error to send back to a trusted redirect URI, or null when the request is well-formed; then
    /// <paramref name="scope"/> is what a grant would carry.
    /// </summary>
    public static string? RedirectError(AuthorizationRequest request, OAuthClient client, string issuer, out GrantedScope scope)
    {
        var scopeError = GrantedScope.TryResolve(request.Scope, client, out scope);
        var (error, description) = request switch
        {
            { ResponseType: not "code" } => ("unsupported_response_type", "Only response_type=code is supported."),
            { CodeChallenge: null or "" } => ("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256."),
            { CodeChallengeMethod: not "S256" } => ("invalid_request", "Only code_challenge_method=S256 is supported."),
            { CodeChallenge.Length: < 43 or > 128 } => ("invalid_request", "code_challenge is malformed."),
            _ when scopeError is not null => ("invalid_scope", scopeError),
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

/// <summary>The scope a grant carries: its text (signed into the access token) and what it lets the token do.</summary>
public readonly record struct GrantedScope(string Text, Permission Permissions)
{
    /// <summary>
    /// The scope of a request to <paramref name="client"/>, or why it cannot be granted: a name this server does
    /// not know, or one the client is not registered for. Without a scope, the client gets <c>api</c> (as before
    /// scopes were permissions), or as much of it as its registration allows.
    /// </summary>
    public static string? TryResolve(string? requested, OAuthClient client, out GrantedScope scope)
    {
        scope = default;
        if (string.IsNullOrWhiteSpace(requested))
        {
            var allowed = client.Scopes & OAuthScopes.ApiAlias;
            if (allowed == Permission.None)
            {
                return "This application must name the scopes it needs (scope).";
            }

            scope = allowed == OAuthScopes.ApiAlias ? new(OAuthScopes.Api, allowed) : new(Akua.Domain.Workspaces.Permissions.Format(allowed), allowed);
            return null;
        }

        if (!OAuthScopes.TryParse(requested, out var asked, out var unknown))
        {
            return $"Unknown scope '{(unknown!.Length > 40 ? unknown[..40] : unknown)}': one of {string.Join(", ", OAuthScopes.Supported)}.";
        }

        if (!client.MayAsk(asked, out var notRegistered))
        {
            return $"This application is not registered for the scope {notRegistered}.";
        }

        scope = new(OAuthScopes.Normalize(requested), asked);
        return null;
    }
}
