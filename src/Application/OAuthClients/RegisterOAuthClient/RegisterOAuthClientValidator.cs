using Akua.Application.Common.Validation;
using Akua.Domain.OAuth;

namespace Akua.Application.OAuthClients.RegisterOAuthClient;

internal sealed class RegisterOAuthClientValidator : AbstractValidator<RegisterOAuthClientCommand>
{
    public RegisterOAuthClientValidator()
    {
        RuleFor(c => c.Name).ValidName(OAuthClient.MaxNameLength);
        RuleFor(c => c.Type).IsInEnum();
        RuleFor(c => c.RedirectUris).NotNull().Must(u => u is { Count: > 0 and <= OAuthClient.MaxRedirectUris })
            .WithMessage($"redirect_uris needs 1 to {OAuthClient.MaxRedirectUris} URLs.");
        RuleForEach(c => c.RedirectUris).Must(u => u is not null && OAuthClient.IsValidRedirectUri(u))
            .WithMessage("Each redirect URI is an absolute https URL (http only on localhost) without a fragment.");
    }
}
