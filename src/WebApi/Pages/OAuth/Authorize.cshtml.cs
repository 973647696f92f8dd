using Akua.Application.OAuth;
using Akua.Application.OAuth.DecideAuthorization;
using Akua.Application.OAuth.DescribeAuthorization;
using Akua.Domain.OAuth;
using Akua.Domain.Workspaces;
using Akua.WebApi.Http;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Akua.WebApi.Pages.OAuth;

/// <summary>
/// The consent page of the authorization code flow (RFC 6749 section 4.1). Signing in goes through /login and
/// comes back here with the same parameters; approving redirects to the client with a one-time code.
/// </summary>
public sealed class AuthorizeModel(IMediator mediator) : AkuaPage(mediator)
{
    [BindProperty(SupportsGet = true, Name = "client_id")]
    public string? ClientId { get; set; }

    [BindProperty(SupportsGet = true, Name = "redirect_uri")]
    public string? RedirectUri { get; set; }

    [BindProperty(SupportsGet = true, Name = "response_type")]
    public string? ResponseType { get; set; }

    [BindProperty(SupportsGet = true, Name = "scope")]
    public string? Scope { get; set; }

    [BindProperty(SupportsGet = true, Name = "state")]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true, Name = "code_challenge")]
    public string? CodeChallenge { get; set; }

    [BindProperty(SupportsGet = true, Name = "code_challenge_method")]
    public string? CodeChallengeMethod { get; set; }

    public AuthorizationPrompt? Prompt { get; private set; }

    /// <summary>What the grant lets the application do, in words, with its scope name; credential management marked.</summary>
    public IEnumerable<(string Name, string Words, bool Manages)> Granted => Permissions.All
        .Where(p => Prompt is { } prompt && (prompt.Permissions & p.Value) == p.Value)
        .Select(p => (p.Name, Permissions.Describe(p.Value), (OAuthScopes.CredentialManagement & p.Value) != 0));

    public bool ManagesCredentials => Prompt is { } prompt && (prompt.Permissions & OAuthScopes.CredentialManagement) != 0;

    /// <summary>The credential management this request leaves out, in words (what a user most wants to know it cannot do).</summary>
    public IReadOnlyList<string> NotGranted => Permissions.All
        .Where(p => (OAuthScopes.CredentialManagement & p.Value) != 0 && Prompt is { } prompt && (prompt.Permissions & p.Value) == 0)
        .Select(p => Permissions.Describe(p.Value) is var words ? char.ToLowerInvariant(words[0]) + words[1..] : "").ToList();

    /// <summary>How long an unused grant lasts: its refresh token's lifetime, renewed on every refresh.</summary>
    public static int RefreshDays => (int)Akua.Domain.OAuth.RefreshToken.Lifetime.TotalDays;

    /// <summary>This very request, to come back to after signing in with another account.</summary>
    public string SelfUrl => Request.Path + Request.QueryString;

    /// <summary>The request's parameters, carried through the consent form unchanged.</summary>
    public IEnumerable<(string Name, string Value)> Parameters => new (string, string?)[]
    {
        ("client_id", ClientId), ("redirect_uri", RedirectUri), ("response_type", ResponseType), ("scope", Scope),
        ("state", State), ("code_challenge", CodeChallenge), ("code_challenge_method", CodeChallengeMethod),
    }.Where(p => p.Item2 is not null).Select(p => (p.Item1, p.Item2!));

    private AuthorizationRequest AuthorizationRequest => new(ClientId, RedirectUri, ResponseType, Scope, State, CodeChallenge, CodeChallengeMethod);

    public async Task<IActionResult> OnGetAsync()
    {
        (_, Prompt) = await TryAsync(() => Mediator.Send(new DescribeAuthorizationQuery(AuthorizationRequest)));
        return Prompt?.ErrorRedirect is { } error ? Redirect(error) : ConsentPage();
    }

    /// <summary>
    /// The consent form's answer is a redirect to the client, which the browser checks against this page's
    /// <c>form-action</c>: a prompt exists only for a registered redirect URI, so its origin is allowed here.
    /// </summary>
    private IActionResult ConsentPage()
    {
        if (Prompt is not null && RedirectUri is not null)
        {
            SecurityHeaders.AllowFormRedirectTo(HttpContext, RedirectUri);
        }

        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync() => DecideAsync(approve: true);

    public Task<IActionResult> OnPostDenyAsync() => DecideAsync(approve: false);

    private async Task<IActionResult> DecideAsync(bool approve)
    {
        var (ok, redirect) = await TryAsync(() => Mediator.Send(new DecideAuthorizationCommand(AuthorizationRequest, approve)));
        if (ok)
        {
            // Only ever a redirect URI registered by the client, checked by the use case.
            return Redirect(redirect!);
        }

        (_, Prompt) = await TryAsync(() => Mediator.Send(new DescribeAuthorizationQuery(AuthorizationRequest)));
        return ConsentPage();
    }
}
