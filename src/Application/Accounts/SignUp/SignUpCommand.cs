using Akua.Application.Common.Behaviors;
using Akua.Application.Workspaces;
using Akua.Domain.Sessions;
using Akua.Domain.Users;

namespace Akua.Application.Accounts.SignUp;

/// <summary>Creates an account, a personal workspace it owns, and a first session.</summary>
public sealed record SignUpCommand(string Email, string Password, string Name, ClientContext Client)
    : ICommand<SessionTokenResponse>, IAnonymousRequest, ICommitsItself
{
    // The password must never reach a log line, even through a record's generated ToString.
    public override string ToString() => $"SignUpCommand {{ Email = {Email} }}";
}

/// <summary>The answer of sign-up and sign-in: the session token, shown once.</summary>
public sealed record SessionTokenResponse(string Token, long ExpiresAt, UserResponse User);

internal sealed class SignUpHandler(
    IApplicationDbContext db,
    IAuditTrail audit,
    IPasswordHasher passwords,
    ISecrets secrets,
    IMapper mapper,
    TimeProvider clock) : ICommandHandler<SignUpCommand, SessionTokenResponse>
{
    public const string WebClientId = "web";

    public const string EmailUnavailable = "This email cannot be used to sign up. If you already have an account, sign in.";

    public async ValueTask<SessionTokenResponse> Handle(SignUpCommand command, CancellationToken cancellationToken)
    {
        var normalized = User.NormalizeEmail(command.Email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
        {
            // No more than sign-in tells: the account is not named, and sign-ups are limited per address as sign-ins are.
            throw DomainException.Conflict(EmailUnavailable);
        }

        // The slug is picked before the (slow) hash, so a sign-up with a name that becomes taken meanwhile is the
        // ordinary case below, not a rare one.
        var slug = await db.FreeSlugAsync(command.Name, cancellationToken);
        var user = User.Register(command.Email, command.Name, await passwords.HashAsync(command.Password, cancellationToken), clock);
        var workspace = Workspace.Create(Workspace.PersonalName(user.Name), slug, user.Id, clock);
        var token = secrets.NewSessionToken();
        var session = Session.Start(user.Id, token.Hash, WebClientId, command.Client.UserAgent, command.Client.IpAddress, clock);

        db.Users.Add(user);
        db.Workspaces.Add(workspace);
        db.Sessions.Add(session);
        audit.Record(AuditActions.UserSignedUp, AuditTarget.Of("session", session.Id), account: user.Id, actor: AuditActor.User(user.Id, "password"));
        await SaveTakingAFreeSlugAsync(workspace, cancellationToken);
        return new SessionTokenResponse(token.Value, session.ExpiresAt.ToUnixTimeSeconds(), mapper.Map<UserResponse>(user));
    }

    /// <summary>
    /// Saved here rather than by the unit of work (the command declares <see cref="ICommitsItself"/>): when people with one name sign up at the same moment, each
    /// saw the slug free, and all but one lose it to the unique index. The personal workspace's slug is not the
    /// user's choice, so a loser takes the next free one instead of failing its sign-up with a 409.
    /// </summary>
    private async Task SaveTakingAFreeSlugAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DomainException e) when (e.Kind == ErrorKind.Conflict && attempt < 4)
            {
                // Only a lost slug is retried; anything else (the email, taken at the same moment) stays a 409.
                if (!await db.Workspaces.AnyAsync(w => w.Slug == workspace.Slug, cancellationToken))
                {
                    throw;
                }

                workspace.Rename(workspace.Name, await db.FreeSlugAsync(workspace.Slug, cancellationToken), clock);
            }
        }
    }
}
