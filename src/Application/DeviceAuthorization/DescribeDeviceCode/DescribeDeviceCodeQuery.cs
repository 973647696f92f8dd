using Akua.Domain.DeviceCodes;

namespace Akua.Application.DeviceAuthorization.DescribeDeviceCode;

/// <summary>What is asking for access, shown to the signed-in user before they approve or deny.</summary>
public sealed record DescribeDeviceCodeQuery(string UserCode, ClientContext Client) : IQuery<DeviceCodeDescription>, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Refused;
}

public sealed record DeviceCodeDescription(
    string UserCode,
    string ClientId,
    string ClientName,
    string? RequesterIp,
    string? RequesterUserAgent,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DeviceCodeStatus Status,
    bool Expired);

internal sealed class DescribeDeviceCodeHandler(
    IApplicationDbContext db, IAttemptLimiter limiter, ICurrentPrincipal principal, IOAuthClients clients, TimeProvider clock)
    : IQueryHandler<DescribeDeviceCodeQuery, DeviceCodeDescription>
{
    public async ValueTask<DeviceCodeDescription> Handle(DescribeDeviceCodeQuery query, CancellationToken cancellationToken)
    {
        var code = await db.FindByUserCodeAsync(limiter, query.UserCode, principal.RequireUser(), query.Client, tracked: false, cancellationToken);
        return new DeviceCodeDescription(
            code.DisplayUserCode,
            code.ClientId,
            clients.FindPublic(code.ClientId)?.Name ?? code.ClientId,
            code.RequesterIp,
            code.RequesterUserAgent,
            code.CreatedAt,
            code.ExpiresAt,
            code.Status,
            code.IsExpiredAt(clock.GetUtcNow()));
    }
}
