using Akua.Application.Common.Validation;
using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens.CreateApiToken;

internal sealed class CreateApiTokenValidator : AbstractValidator<CreateApiTokenCommand>
{
    public CreateApiTokenValidator(TimeProvider clock)
    {
        RuleFor(c => c.Name).ValidName(ApiToken.MaxNameLength);
        RuleFor(c => c.ExpiresAt).FutureUnixSeconds(clock);
        RuleFor(c => c.Role).Must(r => r is null or WorkspaceRole.Admin or WorkspaceRole.Member)
            .WithMessage("role must be admin or member.");
    }
}
