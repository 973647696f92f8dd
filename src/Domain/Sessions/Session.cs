using Akua.Domain.Common;
using Akua.Domain.Revocations;

namespace Akua.Domain.Sessions;

/// <summary>
/// A user's session (the CLI's 32-character bearer token, or a browser sign-in). It lives one year and
/// slides: every use pushes the expiry to one year after that use.
/// </summary>
public sealed class Session
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    public const int MaxClientIdLength = 64;
    public const int MaxUserAgentLength = 512;
    public const int MaxIpAddressLength = 45;

    private bool _revoked;

    private Session()
    {
        TokenHash = null!;
        ClientId = null!;
    }

    public SessionId Id { get; private set; }

    public UserId UserId { get; private set; }

    public byte[] TokenHash { get; private set; }

    /// <summary>Which client started it: <c>web</c>, <c>cnap-cli</c>, or a registered OAuth client id.</summary>
    public string ClientId { get; private set; }

    public string? UserAgent { get; private set; }

    public string? IpAddress { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset LastUsedAt { get; private set; }

    public static Session Start(UserId userId, byte[] tokenHash, string clientId, string? userAgent, string? ipAddress, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        var now = clock.GetUtcNow();
        return new Session
        {
            Id = EntityId.New<SessionId>(clock),
            UserId = userId,
            TokenHash = SecretHash.Require(tokenHash),
            ClientId = Truncate(clientId, MaxClientIdLength)!,
            UserAgent = Truncate(userAgent, MaxUserAgentLength),
            IpAddress = Truncate(ipAddress, MaxIpAddressLength),
            CreatedAt = now,
            ExpiresAt = ExpiryAfterUseAt(now),
            LastUsedAt = now,
        };
    }

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>
    /// The one rule of a session's expiry: it slides, a full <see cref="Lifetime"/> after its last use. The
    /// credential cache, the last-use writer and whoami all ask here.
    /// </summary>
    public static DateTimeOffset ExpiryAfterUseAt(DateTimeOffset at) => at + Lifetime;

    /// <summary>
    /// Records a use at <paramref name="at"/> and slides the expiry. Uses arrive batched and out of order,
    /// so both only move forward; a use after expiry cannot revive the session.
    /// </summary>
    public void Touch(DateTimeOffset at)
    {
        if (IsExpiredAt(at))
        {
            throw DomainException.Conflict("The session has expired.");
        }

        if (at > LastUsedAt)
        {
            LastUsedAt = at;
            ExpiresAt = ExpiryAfterUseAt(at);
        }
    }

    public Revocation Revoke(TimeProvider clock)
    {
        if (_revoked)
        {
            throw DomainException.NotFound("Session not found.");
        }

        _revoked = true;
        return Revocation.Of(TokenHash, clock.GetUtcNow());
    }

    private static string? Truncate(string? value, int max) =>
        value is null ? null : value.Length <= max ? value : value[..max];
}
