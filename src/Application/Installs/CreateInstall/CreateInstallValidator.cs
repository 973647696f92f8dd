using Akua.Application.Common.Validation;
using Akua.Domain.Installs;

namespace Akua.Application.Installs.CreateInstall;

internal sealed class CreateInstallValidator : AbstractValidator<CreateInstallCommand>
{
    public CreateInstallValidator()
    {
        RuleFor(c => c.Name).ValidName(Install.MaxNameLength);
        RuleFor(c => c.Product).ValidName(Install.MaxProductLength);
    }
}
