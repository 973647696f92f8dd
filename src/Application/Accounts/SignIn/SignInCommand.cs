using Akua.Application.Accounts.SignUp;
using Akua.Domain.Sessions;
using Akua.Domain.Users;

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
    IApplicationDbContext db, IAuditTrail audit, IPasswordHasher passwords, IDeviceCookies deviceCookies, ISecrets secrets, IAttemptLimiter limiter, IMapper mapper, TimeProvider clock)
    : ICommandHandler<SignInCommand, SessionTokenResponse>
{
    public async ValueTask<SessionTokenResponse> Handle(SignInCommand command, CancellationToken cancellationToken)
    {
        var normalized = User.NormalizeEmail(command.Email);
        // A browser that signed in to this account before (its device cookie says so) has a count of its own,
        // so guesses from elsewhere, which lock the email, do not lock its owner out. Anyone else: the address
        // first (a flood from one address is refused before it counts against the email), then the email.
        (AttemptKind, string)[] keys = deviceCookies.DeviceFor(command.Client.DeviceCookie, normalized) is { } device
            ? [(AttemptKind.SignInPerDevice, device)]
            : [(AttemptKind.SignInPerAddress, command.Client.AddressKey), (AttemptKind.SignInPerEmail, normalized)];
        await limiter.AttemptAsync("Too many failed sign-in attempts. Wait a while, then try again.", cancellationToken, keys);

        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        var check = PasswordCheck.Failed;
        try
        {
            if (user is null)
            {
                await passwords.VerifyAgainstDummyAsync(command.Password, cancellationToken);
            }
            else
            {
                check = await passwords.VerifyAsync(user.PasswordHash, command.Password, cancellationToken);
            }
        }
        catch (DomainException e) when (e.Kind == ErrorKind.RateLimited)
        {
            await limiter.ForgiveAsync(cancellationToken, keys); // refused for load, not a guess: it does not count
            throw;
        }

        if (user is null || check == PasswordCheck.Failed)
        {
            // Recorded on its own (this request commits nothing). An unknown account is recorded without the email
            // typed, which is sometimes a password typed into the wrong field.
            await audit.RecordRefusalAsync(AuditActions.UserSignInFailed, user is null ? new AuditTarget("user", null) : AuditTarget.Of("user", user.Id), user?.Id,
                new Dictionary<string, string?> { ["reason"] = user is null ? "unknown_account" : "wrong_password" }, cancellationToken);
            throw Failed(); // the attempt stays counted
        }

        await limiter.ForgiveAsync(cancellationToken, keys);

        if (check == PasswordCheck.SuccessRehashNeeded)
        {
            try
            {
                user.ChangePasswordHash(await passwords.HashAsync(command.Password, cancellationToken), clock);
            }
            catch (DomainException e) when (e.Kind == ErrorKind.RateLimited)
            {
                // Busy: the right password still signs in; the stronger hash waits for the next sign-in.
            }
        }

        var token = secrets.NewSessionToken();
        var session = Session.Start(user.Id, token.Hash, SignUpHandler.WebClientId, command.Client.UserAgent, command.Client.IpAddress, clock);
        db.Sessions.Add(session);
        audit.Record(AuditActions.UserSignedIn, AuditTarget.Of("session", session.Id), account: user.Id, actor: AuditActor.User(user.Id, "password"));
        return new SessionTokenResponse(token.Value, session.ExpiresAt.ToUnixTimeSeconds(), mapper.Map<UserResponse>(user));
    }

    private static DomainException Failed() => DomainException.Unauthorized("Invalid email or password.");
}
