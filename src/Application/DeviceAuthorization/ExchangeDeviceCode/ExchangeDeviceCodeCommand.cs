using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Authorization;
using Akua.Domain.Common;
using Akua.Domain.DeviceCodes;
using Akua.Domain.Sessions;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Akua.Application.DeviceAuthorization.ExchangeDeviceCode;

/// <summary>RFC 8628 section 3.4: the device polls the token endpoint with its device code.</summary>
public sealed record ExchangeDeviceCodeCommand(string DeviceCode, string ClientId) : ICommand<DeviceTokenResult>, IAnonymousRequest
{
    public override string ToString() => $"ExchangeDeviceCodeCommand {{ ClientId = {ClientId} }}";
}

public sealed record DeviceTokenResponse(string AccessToken, string TokenType, long ExpiresIn)
{
    public override string ToString() => "DeviceTokenResponse { *** }";
}

/// <summary>Either the token or the OAuth error to answer: polls that fail still change state (the interval).</summary>
public sealed record DeviceTokenResult(DeviceTokenResponse? Token, OAuthError? Error);

internal sealed class ExchangeDeviceCodeHandler(IApplicationDbContext db, ISecrets secrets, TimeProvider clock)
    : ICommandHandler<ExchangeDeviceCodeCommand, DeviceTokenResult>
{
    public async ValueTask<DeviceTokenResult> Handle(ExchangeDeviceCodeCommand command, CancellationToken cancellationToken)
    {
        var hash = secrets.Hash(command.DeviceCode);
        var code = await db.DeviceCodes.SingleOrDefaultAsync(d => d.DeviceCodeHash == hash, cancellationToken);
        if (code is null || code.ClientId != command.ClientId)
        {
            return Fail(OAuthError.InvalidGrant("Unknown device code."));
        }

        var outcome = code.Poll(clock);
        if (outcome != DevicePollOutcome.Approved)
        {
            await SaveOrAsync(cancellationToken);
            return Fail(outcome switch
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

        // Of concurrent exchanges of one approved code, the concurrency token lets exactly one commit.
        return await SaveOrAsync(cancellationToken)
            ? new DeviceTokenResult(new DeviceTokenResponse(token.Value, "Bearer", (long)Session.Lifetime.TotalSeconds), null)
            : Fail(OAuthError.InvalidGrant("The device code has already been used."));
    }

    /// <summary>Saves here rather than in the unit of work, so a lost race becomes an OAuth error, not a 409.</summary>
    private async Task<bool> SaveOrAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DomainException e) when (e.Kind == ErrorKind.Conflict)
        {
            db.DiscardChanges();
            return false;
        }
    }

    private static DeviceTokenResult Fail(OAuthError error) => new(null, error);
}
