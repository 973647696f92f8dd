using Akua.Application.Accounts.SignUp;
using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Authorization;
using Akua.Application.Common.Mapping;
using Akua.Domain.Common;
using Akua.Domain.Sessions;
using Akua.Domain.Users;
using MapsterMapper;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Akua.Application.Accounts.SignIn;

public sealed record SignInCommand(string Email, string Password, ClientContext Client) : ICommand<SessionTokenResponse>, IAnonymousRequest
{
    public override string ToString() => $"SignInCommand {{ Email = {Email} }}";
}

/// <summary>
/// One generic failure, and the same hashing work whether or not the account exists, so the answer tells an
/// attacker nothing about which emails have accounts.
/// </summary>
internal sealed class SignInHandler(
    IApplicationDbContext db, IPasswordHasher passwords, ISecrets secrets, IAttemptLimiter limiter, IMapper mapper, TimeProvider clock)
    : ICommandHandler<SignInCommand, SessionTokenResponse>
{
    public async ValueTask<SessionTokenResponse> Handle(SignInCommand command, CancellationToken cancellationToken)
    {
        var normalized = User.NormalizeEmail(command.Email);
        // The address first: a flood from one address is refused before it counts against the email.
        (AttemptKind, string)[] keys = [(AttemptKind.SignInPerAddress, command.Client.IpAddress ?? "unknown"), (AttemptKind.SignInPerEmail, normalized)];
        await limiter.AttemptAsync("Too many failed sign-in attempts. Wait a while, then try again.", cancellationToken, keys);

        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        var check = PasswordCheck.Failed;
        if (user is null)
        {
            passwords.VerifyAgainstDummy(command.Password);
        }
        else
        {
            check = passwords.Verify(user.PasswordHash, command.Password);
        }

        if (user is null || check == PasswordCheck.Failed)
        {
            throw Failed(); // the attempt stays counted
        }

        await limiter.ForgiveAsync(cancellationToken, keys);

        if (check == PasswordCheck.SuccessRehashNeeded)
        {
            user.ChangePasswordHash(passwords.Hash(command.Password), clock);
        }

        var token = secrets.NewSessionToken();
        var session = Session.Start(user.Id, token.Hash, SignUpHandler.WebClientId, command.Client.UserAgent, command.Client.IpAddress, clock);
        db.Sessions.Add(session);
        return new SessionTokenResponse(token.Value, session.ExpiresAt.ToUnixTimeSeconds(), mapper.Map<UserResponse>(user));
    }

    private static DomainException Failed() => DomainException.Unauthorized("Invalid email or password.");
}
