using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Authorization;
using Akua.Application.Common.Mapping;
using Akua.Application.Workspaces;
using Akua.Domain.Common;
using Akua.Domain.Sessions;
using Akua.Domain.Users;
using Akua.Domain.Workspaces;
using MapsterMapper;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Akua.Application.Accounts.SignUp;

/// <summary>Creates an account, a personal workspace it owns, and a first session.</summary>
public sealed record SignUpCommand(string Email, string Password, string Name, ClientContext Client)
    : ICommand<SessionTokenResponse>, IAnonymousRequest
{
    // The password must never reach a log line, even through a record's generated ToString.
    public override string ToString() => $"SignUpCommand {{ Email = {Email} }}";
}

/// <summary>The answer of sign-up and sign-in: the session token, shown once.</summary>
public sealed record SessionTokenResponse(string Token, long ExpiresAt, UserResponse User);

internal sealed class SignUpHandler(
    IApplicationDbContext db,
    IPasswordHasher passwords,
    ISecrets secrets,
    IMapper mapper,
    TimeProvider clock) : ICommandHandler<SignUpCommand, SessionTokenResponse>
{
    public const string WebClientId = "web";

    public async ValueTask<SessionTokenResponse> Handle(SignUpCommand command, CancellationToken cancellationToken)
    {
        var normalized = User.NormalizeEmail(command.Email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
        {
            throw DomainException.Conflict("An account with this email already exists.");
        }

        var user = User.Register(command.Email, command.Name, passwords.Hash(command.Password), clock);
        var workspace = Workspace.Create($"{user.Name}'s workspace", await db.FreeSlugAsync(user.Name, cancellationToken), user.Id, clock);
        var token = secrets.NewSessionToken();
        var session = Session.Start(user.Id, token.Hash, WebClientId, command.Client.UserAgent, command.Client.IpAddress, clock);

        db.Users.Add(user);
        db.Workspaces.Add(workspace);
        db.Sessions.Add(session);
        return new SessionTokenResponse(token.Value, session.ExpiresAt.ToUnixTimeSeconds(), mapper.Map<UserResponse>(user));
    }
}
