using Akua.Application.Accounts.SignIn;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Akua.WebApi.Pages;

public sealed class LoginModel(IMediator mediator) : AkuaPage(mediator)
{
    [BindProperty]
    public string Email { get; set; } = string.Empty;

    [BindProperty]
    public string Password { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet() => SignedIn ? RedirectToLocal(ReturnUrl) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var (ok, session) = await TryAsync(() => Mediator.Send(new SignInCommand(Email, Password, Client)));
        if (ok)
        {
            return SignInBrowser(session!, ReturnUrl);
        }

        Password = string.Empty;
        return Page();
    }
}
