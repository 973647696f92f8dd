namespace Akua.Domain.Common;

/// <summary>What kind of expected failure a <see cref="DomainException"/> is; the web layer maps it to a status.</summary>
public enum ErrorKind
{
    /// <summary>The request itself is malformed (a header, a cursor), as opposed to a body that fails validation.</summary>
    BadRequest,
    Validation,
    NotFound,
    Conflict,
    Forbidden,
    Unauthorized,
    /// <summary>Too many attempts; <see cref="DomainException.RetryAfter"/> says when to try again.</summary>
    RateLimited,
}

/// <summary>An expected failure: a rule of the domain (or a use case) refused the operation.</summary>
public class DomainException(ErrorKind kind, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    /// <summary>For <see cref="ErrorKind.RateLimited"/>: how long until a new attempt may succeed.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>A more precise error code than the status's own (<c>insufficient_permission</c> for a 403).</summary>
    public string? Code { get; private init; }

    public static DomainException RateLimited(string message, TimeSpan retryAfter) =>
        new(ErrorKind.RateLimited, message) { RetryAfter = retryAfter };

    public static DomainException Conflict(string message) => new(ErrorKind.Conflict, message);

    public static DomainException NotFound(string message) => new(ErrorKind.NotFound, message);

    public static DomainException Invalid(string message) => new(ErrorKind.Validation, message);

    public static DomainException Forbidden(string message, string? code = null) => new(ErrorKind.Forbidden, message) { Code = code };

    public static DomainException BadRequest(string message) => new(ErrorKind.BadRequest, message);

    public static DomainException Unauthorized(string message) => new(ErrorKind.Unauthorized, message);
}
