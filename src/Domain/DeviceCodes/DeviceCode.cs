using Akua.Domain.Common;

namespace Akua.Domain.DeviceCodes;

/// <summary>
/// One device authorization (RFC 8628): the device polls with the device code (stored hashed) while a
/// signed-in user approves or denies the user code in a browser. <see cref="Version"/> is a concurrency
/// token, so of two concurrent exchanges of one approved code only one can commit.
/// </summary>
public sealed class DeviceCode
{
    /// <summary>How long a user has to approve a device login, unless the deployment sets another.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The longest lifetime a deployment may set: a pending code is a guessable target while it lives.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);
    public const int DefaultIntervalSeconds = 5;
    public const int SlowDownStepSeconds = 5;
    public const int UserCodeLength = 8;

    /// <summary>No vowels, no look-alikes: codes cannot spell words and survive being read aloud.</summary>
    public const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ";

    private DeviceCode()
    {
        DeviceCodeHash = null!;
        UserCode = ClientId = null!;
    }

    public DeviceCodeId Id { get; private set; }

    public byte[] DeviceCodeHash { get; private set; }

    /// <summary>Stored normalized: 8 letters, upper case, no dash.</summary>
    public string UserCode { get; private set; }

    public string ClientId { get; private set; }

    public string? Scope { get; private set; }

    public string? RequesterIp { get; private set; }

    public string? RequesterUserAgent { get; private set; }

    public DeviceCodeStatus Status { get; private set; }

    public int IntervalSeconds { get; private set; }

    public DateTimeOffset? LastPolledAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public UserId? DecidedBy { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    /// <summary>The session the exchange created (its id, never its token).</summary>
    public SessionId? IssuedSessionId { get; private set; }

    public int Version { get; private set; }

    public static DeviceCode Create(
        byte[] deviceCodeHash,
        string userCode,
        string clientId,
        string? scope,
        string? requesterIp,
        string? requesterUserAgent,
        TimeProvider clock,
        TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        var lives = lifetime ?? DefaultLifetime;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lives, TimeSpan.Zero, nameof(lifetime));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lives, MaxLifetime, nameof(lifetime));
        var normalized = NormalizeUserCode(userCode)
            ?? throw new ArgumentException("A user code is 8 letters of the user-code alphabet.", nameof(userCode));
        var now = clock.GetUtcNow();
        return new DeviceCode
        {
            Id = EntityId.New<DeviceCodeId>(clock),
            DeviceCodeHash = SecretHash.Require(deviceCodeHash),
            UserCode = normalized,
            ClientId = clientId,
            Scope = scope,
            RequesterIp = requesterIp,
            RequesterUserAgent = requesterUserAgent is { Length: > 512 } ua ? ua[..512] : requesterUserAgent,
            Status = DeviceCodeStatus.Pending,
            IntervalSeconds = DefaultIntervalSeconds,
            CreatedAt = now,
            ExpiresAt = now + lives,
        };
    }

    /// <summary>Accepts what a person types: any case, with or without the dash and spaces. Null if it cannot be a code.</summary>
    public static string? NormalizeUserCode(string? typed)
    {
        if (typed is null || typed.Length > 32)
        {
            return null;
        }

        Span<char> buffer = stackalloc char[UserCodeLength];
        var length = 0;
        foreach (var raw in typed)
        {
            if (raw is '-' or ' ')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw);
            if (length == UserCodeLength || !UserCodeAlphabet.Contains(c, StringComparison.Ordinal))
            {
                return null;
            }

            buffer[length++] = c;
        }

        return length == UserCodeLength ? new string(buffer) : null;
    }

    /// <summary>The user code as shown to people: <c>XXXX-XXXX</c>.</summary>
    public string DisplayUserCode => string.Concat(UserCode.AsSpan(0, 4), "-", UserCode.AsSpan(4));

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    public void Approve(UserId user, TimeProvider clock) => Decide(user, DeviceCodeStatus.Approved, clock);

    public void Deny(UserId user, TimeProvider clock) => Decide(user, DeviceCodeStatus.Denied, clock);

    /// <summary>
    /// One poll by the device. Polling faster than the interval answers <c>slow_down</c> and grows the
    /// interval for this code by 5 seconds, for good.
    /// </summary>
    public DevicePollOutcome Poll(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (Status == DeviceCodeStatus.Consumed)
        {
            return DevicePollOutcome.AlreadyUsed;
        }

        if (IsExpiredAt(now))
        {
            return DevicePollOutcome.ExpiredToken;
        }

        var tooSoon = LastPolledAt is { } last && now - last < TimeSpan.FromSeconds(IntervalSeconds);
        LastPolledAt = now;
        if (tooSoon)
        {
            IntervalSeconds += SlowDownStepSeconds;
            Version++;
            return DevicePollOutcome.SlowDown;
        }

        return Status switch
        {
            DeviceCodeStatus.Approved => DevicePollOutcome.Approved,
            DeviceCodeStatus.Denied => DevicePollOutcome.AccessDenied,
            _ => DevicePollOutcome.AuthorizationPending,
        };
    }

    /// <summary>Marks an approved code as exchanged for <paramref name="session"/>; a code is exchanged once.</summary>
    public void Consume(SessionId session)
    {
        if (Status != DeviceCodeStatus.Approved)
        {
            throw DomainException.Conflict(Status == DeviceCodeStatus.Consumed
                ? "The device code has already been used."
                : "The device code has not been approved.");
        }

        Status = DeviceCodeStatus.Consumed;
        IssuedSessionId = session;
        Version++;
    }

    private void Decide(UserId user, DeviceCodeStatus decision, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (IsExpiredAt(now))
        {
            throw DomainException.Conflict("The code has expired. Start the login again on your device.");
        }

        if (Status != DeviceCodeStatus.Pending)
        {
            throw DomainException.Conflict("The code has already been used.");
        }

        Status = decision;
        DecidedBy = user;
        DecidedAt = now;
        Version++;
    }
}
