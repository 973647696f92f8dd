namespace Akua.Domain.Common;

/// <summary>What kind of expected failure a <see cref="DomainException"/> is; the web layer maps it to a status.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
    Unauthorized,
}

/// <summary>An expected failure: a rule of the domain (or a use case) refused the operation.</summary>
public class DomainException(ErrorKind kind, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    public static DomainException Conflict(string message) => new(ErrorKind.Conflict, message);

    public static DomainException NotFound(string message) => new(ErrorKind.NotFound, message);

    public static DomainException Invalid(string message) => new(ErrorKind.Validation, message);

    public static DomainException Forbidden(string message) => new(ErrorKind.Forbidden, message);
}
