using Akua.Application.Common.Validation;

namespace Akua.Application.Workspaces.UpdateWorkspace;

internal sealed class UpdateWorkspaceValidator : AbstractValidator<UpdateWorkspaceCommand>
{
    public UpdateWorkspaceValidator()
    {
        RuleFor(c => c).Must(c => c.Name is not null || c.Slug is not null || c.SetsMaxTokenLifetime).WithName("body").WithMessage("Send name, slug, max_token_lifetime or more than one.");
        When(c => c.Name is not null, () => RuleFor(c => c.Name!).ValidName(Workspace.MaxNameLength));
        RuleFor(c => c.Slug).Must(s => s is null || Workspace.IsValidSlug(s))
            .WithMessage("slug is 1 to 40 lowercase letters, digits or inner dashes.");
    }
}
