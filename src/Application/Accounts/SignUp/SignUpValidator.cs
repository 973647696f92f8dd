using Akua.Domain.Users;

namespace Akua.Application.Accounts.SignUp;

internal sealed class SignUpValidator : AbstractValidator<SignUpCommand>
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 256;

    public SignUpValidator()
    {
        RuleFor(c => c.Email).NotEmpty().MaximumLength(User.MaxEmailLength).EmailAddress();
        RuleFor(c => c.Password).NotEmpty().Length(MinPasswordLength, MaxPasswordLength);
        RuleFor(c => c.Name).NotEmpty().MaximumLength(User.MaxNameLength)
            .Must(n => n is null || !n.Any(char.IsControl)).WithMessage("'Name' must not contain control characters.");
    }
}
