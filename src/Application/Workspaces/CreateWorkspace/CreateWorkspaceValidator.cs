using Akua.Application.Common.Validation;

namespace Akua.Application.Workspaces.CreateWorkspace;

internal sealed class CreateWorkspaceValidator : AbstractValidator<CreateWorkspaceCommand>
{
    public CreateWorkspaceValidator()
    {
        RuleFor(c => c.Name).ValidName(Workspace.MaxNameLength);
        RuleFor(c => c.Slug).Must(s => s is null || Workspace.IsValidSlug(s))
            .WithMessage("slug is 1 to 40 lowercase letters, digits or inner dashes.");
    }
}
