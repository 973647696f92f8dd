namespace Akua.Application.DeviceAuthorization.DecideDeviceCode;

/// <summary>The signed-in user approves (the device gets a session of theirs) or denies a device code.</summary>
public sealed record DecideDeviceCodeCommand(string UserCode, bool Approve, ClientContext Client) : ICommand, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class DecideDeviceCodeHandler(IApplicationDbContext db, IAttemptLimiter limiter, ICurrentPrincipal principal, TimeProvider clock)
    : ICommandHandler<DecideDeviceCodeCommand>
{
    public async ValueTask<Unit> Handle(DecideDeviceCodeCommand command, CancellationToken cancellationToken)
    {
        var user = principal.RequireUser();
        var code = await db.FindByUserCodeAsync(limiter, command.UserCode, user, command.Client, tracked: true, cancellationToken);
        if (command.Approve)
        {
            code.Approve(user, clock);
        }
        else
        {
            code.Deny(user, clock);
        }

        return Unit.Value;
    }
}
