using Akua.Application.OAuth;
using Akua.Domain.DeviceCodes;
using Akua.Domain.Sessions;

namespace Akua.Application.DeviceAuthorization.ExchangeDeviceCode;

/// <summary>
/// RFC 8628 section 3.4: the device polls the token endpoint with its device code. The access token it gets is
/// a session token (the CLI's credential), with neither a refresh token nor a scope. A public client: no secret.
/// A poll that failed keeps its answer (pending, slow down) even when its interval update lost to another poll.
/// </summary>
public sealed record ExchangeDeviceCodeCommand(string DeviceCode, string ClientId)
    : OAuthGrant(ClientId, null, OAuthClientUse.DeviceGrant, "The device code has already been used.");

internal sealed class ExchangeDeviceCodeHandler(IApplicationDbContext db, IAuditTrail audit, OAuthClientAuthenticator clients, ISecrets secrets, TimeProvider clock)
    : OAuthGrantHandler<ExchangeDeviceCodeCommand>(clients), ICommandHandler<ExchangeDeviceCodeCommand, OAuthTokenResult>
{
    protected override async ValueTask<OAuthTokenResult> GrantAsync(ExchangeDeviceCodeCommand command, string clientId, CancellationToken cancellationToken)
    {
        var hash = secrets.Hash(command.DeviceCode);
        var code = await db.DeviceCodes.SingleOrDefaultAsync(d => d.DeviceCodeHash == hash, cancellationToken);
        if (code is null || code.ClientId != clientId)
        {
            return OAuthTokenResult.Fail(OAuthError.InvalidGrant("Unknown device code."));
        }

        // A poll that is not approved still changes the code (its interval, its last poll): the unit of work saves it.
        var outcome = code.Poll(clock);
        if (outcome != DevicePollOutcome.Approved)
        {
            return OAuthTokenResult.Fail(outcome switch
            {
                DevicePollOutcome.SlowDown => OAuthError.SlowDown,
                DevicePollOutcome.AccessDenied => OAuthError.AccessDenied,
                DevicePollOutcome.ExpiredToken => OAuthError.ExpiredToken,
                DevicePollOutcome.AlreadyUsed => OAuthError.InvalidGrant("The device code has already been used."),
                _ => OAuthError.AuthorizationPending,
            });
        }

        var token = secrets.NewSessionToken();
        var session = Session.Start(code.DecidedBy!.Value, token.Hash, code.ClientId, code.RequesterUserAgent, code.RequesterIp, clock);
        code.Consume(session.Id);
        db.Sessions.Add(session);
        audit.Record(AuditActions.SessionCreated, AuditTarget.Of("session", session.Id), account: session.UserId,
            details: new() { ["client_id"] = code.ClientId, ["device_login"] = code.Id.ToString() }, actor: AuditActor.User(session.UserId, "device_code", code.ClientId));
        return OAuthTokenResult.Issued(new OAuthTokenResponse(token.Value, "Bearer", (long)Session.Lifetime.TotalSeconds));
    }
}
