using Akua.Application.Accounts.SignIn;
using Akua.Application.Accounts.SignOut;
using Akua.Application.Accounts.SignUp;
using Akua.Application.Common.Abstractions;
using Akua.WebApi.Authentication;
using Akua.WebApi.Http;
using Mediator;

namespace Akua.WebApi.Endpoints;

/// <summary>Accounts: <c>/api/auth/sign-up/email</c> and friends (API.md section 8).</summary>
public static class AccountEndpoints
{
    public sealed record SignUpRequest(string Email, string Password, string Name)
    {
        public override string ToString() => $"SignUpRequest {{ Email = {Email} }}";
    }

    public sealed record SignInRequest(string Email, string Password)
    {
        public override string ToString() => $"SignInRequest {{ Email = {Email} }}";
    }

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Accounts");

        // Anonymous by nature: this is how a caller gets its first credential.
        group.MapPost("/sign-up/email", async (SignUpRequest body, HttpContext http, IMediator mediator, CancellationToken ct) =>
        {
            var session = await mediator.Send(new SignUpCommand(body.Email, body.Password, body.Name, ClientOf(http)), ct);
            DeviceCookie.Issue(http, session.User.Email);
            return TypedResults.Created((string?)null, session);
        })
            .AllowAnonymous()
            .WithName("signUp").WithSummary("Create an account, its personal workspace and a session; the session token is in this answer only")
            .RequireRateLimiting(RateLimits.SignUpRateLimit)
            .WithMetadata(PasswordWorkMetadata.Instance)
            .CarriesSecret();

        group.MapPost("/sign-in/email", async (SignInRequest body, HttpContext http, IMediator mediator, CancellationToken ct) =>
        {
            var session = await mediator.Send(new SignInCommand(body.Email, body.Password, ClientOf(http)), ct);
            DeviceCookie.Issue(http, session.User.Email);
            return TypedResults.Ok(session);
        })
            .AllowAnonymous()
            .WithName("signIn").WithSummary("Sign in with email and password; starts a session whose token is in this answer only")
            .WithMetadata(PasswordWorkMetadata.Instance)
            .CarriesSecret();

        group.MapPost("/sign-out", async (IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new SignOutCommand(), ct);
            return TypedResults.NoContent();
        }).RequireCredential().WithName("signOut").WithSummary("End the session that makes this request (session tokens only)");

        return app;
    }

    internal static ClientContext ClientOf(HttpContext http) =>
        new(http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null, http.Connection.RemoteIpAddress?.ToString(), DeviceCookie.Read(http));
}
