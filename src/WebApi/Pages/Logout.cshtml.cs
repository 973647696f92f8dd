using Akua.Application.Accounts.SignOut;
using Akua.WebApi.Authentication;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Akua.WebApi.Pages;

/// <summary>Sign-out is a form post (anti-forgery protected), never a link: it ends the session on the server.</summary>
public sealed class LogoutModel(IMediator mediator) : AkuaPage(mediator)
{
    public IActionResult OnGet() => LocalRedirect("/");

    /// <param name="returnUrl">Where the next sign-in goes (the consent page's "sign in with another account"); local only.</param>
    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        await TryAsync(async () => await Mediator.Send(new SignOutCommand()));
        SessionCookieAuthenticationHandler.Clear(HttpContext);
        return LocalRedirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl)
            ? "/login?returnUrl=" + Uri.EscapeDataString(returnUrl)
            : "/login");
    }
}
