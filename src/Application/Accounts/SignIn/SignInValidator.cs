using Akua.Application.Accounts.SignUp;
using Akua.Domain.Users;

namespace Akua.Application.Accounts.SignIn;

internal sealed class SignInValidator : AbstractValidator<SignInCommand>
{
    public SignInValidator()
    {
        RuleFor(c => c.Email).NotEmpty().MaximumLength(User.MaxEmailLength);
        RuleFor(c => c.Password).NotEmpty().MaximumLength(SignUpValidator.MaxPasswordLength);
    }
}
