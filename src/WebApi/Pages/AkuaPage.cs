using System.Globalization;
using Akua.Application.Common.Abstractions;
using Akua.Domain.Common;
using Akua.WebApi.Authentication;
using Akua.WebApi.Endpoints;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Akua.WebApi.Pages;

/// <summary>
/// What every page shares: the mediator (pages run the same use cases as the API, through the same
/// pipeline), the browser sign-in, and turning an expected failure into a message on the page.
/// </summary>
public abstract class AkuaPage(IMediator mediator) : PageModel
{
    protected IMediator Mediator => mediator;

    /// <summary>What went wrong, in words for the person at the browser.</summary>
    public string? Error { get; protected set; }

    public bool SignedIn => HttpContext.Features.Get<CredentialFeature>() is not null;

    /// <summary>The signed-in account (<c>UserResponse</c>) in the view data, for the layout's header.</summary>
    public const string AccountKey = "Account";

    protected ClientContext Client => AccountEndpoints.ClientOf(HttpContext);

    public static string Time(long? unixSeconds) => unixSeconds is { } s
        ? DateTimeOffset.FromUnixTimeSeconds(s).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
        : "—";

    public static string Time(DateTimeOffset at) => Time(at.ToUnixTimeSeconds());

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // Anonymous pages still want to know who is signed in (for the navigation, or to skip the form).
        await HttpContext.AuthenticateAsync(SessionCookieAuthenticationHandler.SchemeName);
        if (SignedIn)
        {
            // The header names the account on every page (whoami's display fields are cached: no query a view).
            var (_, me) = await TryAsync(() => Mediator.Send(new Application.Accounts.WhoAmI.WhoAmIQuery()));
            ViewData[AccountKey] = me?.User;
        }

        await next();
    }

    /// <summary>Runs a use case; an expected failure becomes <see cref="Error"/> and the result is default.</summary>
    protected async Task<(bool Ok, T? Result)> TryAsync<T>(Func<ValueTask<T>> action)
    {
        try
        {
            return (true, await action());
        }
        catch (DomainException e)
        {
            Error = e.Message;
        }
        catch (ValidationException e)
        {
            Error = string.Join(" ", e.Errors.Select(f => f.ErrorMessage).Distinct());
        }

        return (false, default);
    }

    /// <summary>Signs the browser in with a new session (sign-up or sign-in) and goes back where it came from.</summary>
    protected IActionResult SignInBrowser(Application.Accounts.SignUp.SessionTokenResponse session, string? returnUrl)
    {
        SessionCookieAuthenticationHandler.Issue(HttpContext, session.Token, DateTimeOffset.FromUnixTimeSeconds(session.ExpiresAt));
        DeviceCookie.Issue(HttpContext, session.User.Email); // this browser is now known to the account (ADR 0018)
        return RedirectToLocal(returnUrl);
    }

    protected IActionResult RedirectToLocal(string? returnUrl) =>
        LocalRedirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
}
