using Akua.Application.OAuth;
using Akua.Domain.DeviceCodes;
using Microsoft.Extensions.Options;

namespace Akua.Application.DeviceAuthorization.StartDeviceAuthorization;

/// <summary>RFC 8628 section 3.1: a device asks for a device code and a user code.</summary>
/// <param name="VerificationUri">Where the user goes: <c>&lt;base&gt;/device</c>.</param>
public sealed record StartDeviceAuthorizationCommand(string ClientId, string? Scope, string VerificationUri, ClientContext Client)
    : ICommand<DeviceAuthorizationResponse>, IAnonymousRequest;

public sealed record DeviceAuthorizationResponse(
    string DeviceCode,
    string UserCode,
    string VerificationUri,
    string VerificationUriComplete,
    int ExpiresIn,
    int Interval)
{
    public override string ToString() => $"DeviceAuthorizationResponse {{ UserCode = {UserCode} }}";
}

internal sealed class StartDeviceAuthorizationHandler(
    IApplicationDbContext db, OAuthClientAuthenticator clients, ISecrets secrets, IOptions<DeviceAuthorizationOptions> options, TimeProvider clock)
    : ICommandHandler<StartDeviceAuthorizationCommand, DeviceAuthorizationResponse>
{
    private const int UserCodeTries = 5;

    public async ValueTask<DeviceAuthorizationResponse> Handle(StartDeviceAuthorizationCommand command, CancellationToken cancellationToken)
    {
        var client = await clients.AuthenticateAsync(OAuthClientUse.DeviceGrant, command.ClientId, null, cancellationToken);
        if (client.Failed)
        {
            throw new OAuthException(client.Error!);
        }

        var deviceCode = secrets.NewDeviceCode();
        var userCode = await FreeUserCodeAsync(cancellationToken);
        var code = DeviceCode.Create(
            deviceCode.Hash, userCode, client.ClientId!, command.Scope, command.Client.IpAddress, command.Client.UserAgent, clock, options.Value.CodeLifetime);
        db.DeviceCodes.Add(code);

        var display = code.DisplayUserCode;
        return new DeviceAuthorizationResponse(
            deviceCode.Value,
            display,
            command.VerificationUri,
            $"{command.VerificationUri}?user_code={display}",
            (int)Math.Ceiling((code.ExpiresAt - code.CreatedAt).TotalSeconds),
            code.IntervalSeconds);
    }

    private async Task<string> FreeUserCodeAsync(CancellationToken cancellationToken)
    {
        // 20^8 codes make a clash with a pending one rare; the unique index settles a race.
        for (var i = 0; i < UserCodeTries; i++)
        {
            var candidate = secrets.NewUserCode();
            if (!await db.DeviceCodes.AnyAsync(d => d.UserCode == candidate && d.Status == DeviceCodeStatus.Pending, cancellationToken))
            {
                return candidate;
            }
        }

        throw DomainException.Conflict("Could not allocate a user code; try again.");
    }
}
