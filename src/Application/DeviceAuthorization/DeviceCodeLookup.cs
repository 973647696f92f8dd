using Akua.Domain.DeviceCodes;

namespace Akua.Application.DeviceAuthorization;

internal static class DeviceCodeLookup
{
    private const string Limited = "Too many wrong codes. Wait a while, then try again.";

    /// <summary>
    /// The pending (or just decided) code a person typed. Wrong codes are counted per user and per address,
    /// and past the limit every lookup is refused, so user codes cannot be guessed.
    /// </summary>
    public static async Task<DeviceCode> FindByUserCodeAsync(
        this IApplicationDbContext db, IAttemptLimiter limiter, string typed, UserId user, ClientContext client, bool tracked, CancellationToken cancellationToken)
    {
        (AttemptKind, string)[] keys = [(AttemptKind.UserCodePerAddress, client.AddressKey), (AttemptKind.UserCodePerUser, user.ToString())];
        await limiter.AttemptAsync(Limited, cancellationToken, keys);

        var normalized = DeviceCode.NormalizeUserCode(typed);
        var query = tracked ? db.DeviceCodes : db.DeviceCodes.AsNoTracking();
        var code = normalized is null ? null : await query
            .Where(d => d.UserCode == normalized)
            .OrderByDescending(d => d.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (code is null)
        {
            throw DomainException.NotFound("That code is not valid. Check it and try again."); // the attempt stays counted
        }

        await limiter.ForgiveAsync(cancellationToken, keys);
        return code;
    }
}
