using Akua.Application.Accounts.SignOut;
using Akua.WebApi.Authentication;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Akua.WebApi.Pages;

/// <summary>Sign-out is a form post (anti-forgery protected), never a link: it ends the session on the server.</summary>
public sealed class LogoutModel(IMediator mediator) : AkuaPage(mediator)
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await TryAsync(async () => await Mediator.Send(new SignOutCommand()));
        SessionCookieAuthenticationHandler.Clear(HttpContext);
        return LocalRedirect("/login");
    }
}
