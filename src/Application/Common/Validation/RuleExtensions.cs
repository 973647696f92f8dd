namespace Akua.Application.Common.Validation;

/// <summary>The rules several requests share, with messages written for API users.</summary>
public static class RuleExtensions
{
    /// <summary>
    /// The error code of a failure that makes the request malformed (a query parameter, a header) rather than its
    /// body invalid: answered 400 <c>bad_request</c>, not 422.
    /// </summary>
    public const string MalformedRequestCode = "bad_request";

    public static IRuleBuilderOptions<T, TProperty> AsMalformedRequest<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule) =>
        rule.WithErrorCode(MalformedRequestCode);

    /// <summary>A year-5138 boundary: a timestamp this large is almost certainly milliseconds.</summary>
    public const long MillisecondsThreshold = 100_000_000_000;

    public static IRuleBuilderOptions<T, string> ValidName<T>(this IRuleBuilderInitial<T, string> rule, int maxLength) =>
        rule.Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("{PropertyName} is required.")
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("{PropertyName} must not be blank.")
            .MaximumLength(maxLength).WithMessage($"{{PropertyName}} must be at most {maxLength} characters.")
            .Must(n => !n.Any(char.IsControl)).WithMessage("{PropertyName} must not contain control characters.");

    /// <summary>Unix seconds in the future; a millisecond value gets a message that says so.</summary>
    public static IRuleBuilderOptions<T, long?> FutureUnixSeconds<T>(this IRuleBuilderInitial<T, long?> rule, TimeProvider clock) =>
        rule.Cascade(CascadeMode.Stop)
            .Must(s => s is null or < MillisecondsThreshold)
            .WithMessage("{PropertyName} is in Unix seconds; this value looks like milliseconds.")
            .Must(s => s is null || s > clock.GetUtcNow().ToUnixTimeSeconds())
            .WithMessage("{PropertyName} must be in the future.");

    /// <summary>An address allowlist: omitted, or 1 to 32 networks, each well-formed (the message names the first that is not).</summary>
    public static IRuleBuilderOptionsConditions<T, IReadOnlyList<string>?> AllowedIps<T>(this IRuleBuilderInitial<T, IReadOnlyList<string>?> rule) =>
        rule.Custom((networks, context) =>
        {
            if (networks is null)
            {
                return;
            }

            if (networks.Count is 0 or > AddressAllowlist.MaxNetworks)
            {
                context.AddFailure($"allowed_ips lists 1 to {AddressAllowlist.MaxNetworks} networks, or is omitted for any address.");
                return;
            }

            if (networks.Select(AddressAllowlist.Problem).FirstOrDefault(p => p is not null) is { } problem)
            {
                context.AddFailure(problem);
            }
        });
}
