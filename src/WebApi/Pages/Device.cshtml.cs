using Akua.Application.DeviceAuthorization.DecideDeviceCode;
using Akua.Application.DeviceAuthorization.DescribeDeviceCode;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Akua.WebApi.Pages;

/// <summary>
/// The device approval page (RFC 8628 section 3.3): enter or confirm the code, see what is asking, approve or
/// deny. Wrong codes count against the user and the address, but only when the person submits the form: a link
/// (the CLI's verification_uri_complete, or a hostile page's) only fills the code in, so following one neither
/// looks anything up nor counts as a guess (a Lax cookie rides along on a cross-site navigation).
/// </summary>
public sealed class DeviceModel(IMediator mediator) : AkuaPage(mediator)
{
    [BindProperty(SupportsGet = true, Name = "user_code")]
    public string? UserCode { get; set; }

    public DeviceCodeDescription? Pending { get; private set; }

    public string? Outcome { get; private set; }

    public bool Approved { get; private set; }

    public void OnGet()
    {
        if (TempData[nameof(Outcome)] is string outcome)
        {
            Outcome = outcome;
            Approved = TempData[nameof(Approved)] is true;
        }
    }

    /// <summary>The submitted code: looked up (and counted when wrong), then shown with Approve and Deny.</summary>
    public async Task<IActionResult> OnPostLookupAsync()
    {
        UserCode = UserCode?.Trim();
        if (!string.IsNullOrEmpty(UserCode))
        {
            (_, Pending) = await TryAsync(() => Mediator.Send(new DescribeDeviceCodeQuery(UserCode, Client)));
        }

        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync() => DecideAsync(approve: true);

    public Task<IActionResult> OnPostDenyAsync() => DecideAsync(approve: false);

    private async Task<IActionResult> DecideAsync(bool approve)
    {
        var (ok, _) = await TryAsync(async () => await Mediator.Send(new DecideDeviceCodeCommand(UserCode ?? string.Empty, approve, Client)));
        if (!ok)
        {
            return Page();
        }

        // Post, redirect, get: reloading the result page does not post the decision again.
        TempData[nameof(Approved)] = approve;
        TempData[nameof(Outcome)] = approve ? $"The device with code {UserCode} is now signed in as you." : $"The request with code {UserCode} was denied.";
        return RedirectToPage();
    }
}
