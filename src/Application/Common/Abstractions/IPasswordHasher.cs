namespace Akua.Application.Common.Abstractions;

public enum PasswordCheck
{
    Failed,
    Success,
    SuccessRehashNeeded,
}

/// <summary>
/// Password hashing: deliberately slow, so the number running at once is bounded. A caller that cannot get a
/// turn soon enough gets a 429 with Retry-After instead of queueing without end, so a flood of sign-ups or
/// sign-ins cannot take every core from the requests that need none (ADR 0018).
/// </summary>
public interface IPasswordHasher
{
    ValueTask<string> HashAsync(string password, CancellationToken cancellationToken);

    ValueTask<PasswordCheck> VerifyAsync(string hashedPassword, string password, CancellationToken cancellationToken);

    /// <summary>Does the same work as a real verification, so an unknown account answers as slowly as a known one.</summary>
    ValueTask VerifyAgainstDummyAsync(string password, CancellationToken cancellationToken);
}
