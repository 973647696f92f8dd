using Akua.WebApi.Http;
using Mediator;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Akua.WebApi.Pages;

/// <summary>
/// The error page a person sees in the site's layout: what the framework answered by itself (an unknown
/// page, a wrong method, a refusal) or an unexpected failure, re-executed here for a browser route
/// (<see cref="BrowserErrors"/>). Any method lands here, so no anti-forgery check: it changes nothing.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IMediator mediator) : AkuaPage(mediator)
{
    public int Status { get; private set; }

    public string RequestId => HttpContext.TraceIdentifier;

    /// <summary>Any method can land here (a re-executed DELETE or PUT as well), so the decision is made before any handler.</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || HttpContext.Features.Get<IExceptionHandlerPathFeature>() is not null;
        if (!reExecuted)
        {
            // Opened directly, /error is just an unknown page.
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        if (!BrowserErrors.WantsHtml(HttpContext))
        {
            // An API client, or a machine route: the envelope, exactly as before there were error pages.
            await ApiErrors.WriteStatusPageAsync(HttpContext);
            context.Result = new EmptyResult();
            return;
        }

        Status = Response.StatusCode;
        Response.Headers.CacheControl = "no-store";
        await base.OnPageHandlerExecutionAsync(context, next);
    }
}
