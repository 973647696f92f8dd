namespace Akua.Application.DeviceAuthorization.DecideDeviceCode;

/// <summary>The signed-in user approves (the device gets a session of theirs) or denies a device code.</summary>
public sealed record DecideDeviceCodeCommand(string UserCode, bool Approve, ClientContext Client) : ICommand, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

internal sealed class DecideDeviceCodeHandler(IApplicationDbContext db, IAuditTrail audit, IAttemptLimiter limiter, ICurrentPrincipal principal, TimeProvider clock)
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

        audit.Record(command.Approve ? AuditActions.DeviceLoginApproved : AuditActions.DeviceLoginDenied, AuditTarget.Of("device_login", code.Id),
            details: new() { ["client_id"] = code.ClientId, ["requested_from"] = code.RequesterIp });

        return Unit.Value;
    }
}
