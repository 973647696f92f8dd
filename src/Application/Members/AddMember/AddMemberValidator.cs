using Akua.Domain.Users;
using FluentValidation;

namespace Akua.Application.Members.AddMember;

internal sealed class AddMemberValidator : AbstractValidator<AddMemberCommand>
{
    public AddMemberValidator()
    {
        RuleFor(c => c).Must(c => (c.Email is null) != (c.UserId is null)).WithName("body").WithMessage("Send either email or user_id.");
        RuleFor(c => c.Email).MaximumLength(User.MaxEmailLength).EmailAddress().When(c => c.Email is not null);
        RuleFor(c => c.UserId).MaximumLength(64).When(c => c.UserId is not null);
        RuleFor(c => c.Role).IsInEnum();
    }
}
