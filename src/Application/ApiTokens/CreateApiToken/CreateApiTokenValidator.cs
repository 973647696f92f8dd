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
        RuleFor(c => c.Permissions).Must(p => p is null || (p.Count is > 0 and <= 32))
            .WithMessage("permissions lists 1 to 32 permissions, or is omitted for everything the role allows.");
        RuleForEach(c => c.Permissions).Must(name => Akua.Domain.Workspaces.Permissions.TryParse(name, out _))
            .WithMessage((_, name) => $"'{(name?.Length > 40 ? name[..40] : name)}' is not a permission: one of {string.Join(", ", Akua.Domain.Workspaces.Permissions.All.Select(p => p.Name))}.");
        RuleFor(c => c.AllowedIps).AllowedIps();
    }
}
