using Akua.Domain.Users;

namespace Akua.Application.Invitations.InviteMember;

internal sealed class InviteMemberValidator : AbstractValidator<InviteMemberCommand>
{
    public InviteMemberValidator()
    {
        RuleFor(c => c).Must(c => (c.Email is null) != (c.UserId is null)).WithName("body").WithMessage("Send either email or user_id.");
        RuleFor(c => c.Email).MaximumLength(User.MaxEmailLength).EmailAddress().When(c => c.Email is not null);
        RuleFor(c => c.UserId).MaximumLength(64).Must(id => EntityId.TryParse<UserId>(id, out _)).WithMessage("'User Id' must be a user id (usr_...).")
            .When(c => c.UserId is not null);
        RuleFor(c => c.Role).IsInEnum();
    }
}
