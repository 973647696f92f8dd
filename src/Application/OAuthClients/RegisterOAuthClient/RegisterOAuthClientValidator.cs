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
        RuleFor(c => c.Scopes).Must(s => s is null || (s.Count is > 0 and <= 32))
            .WithMessage("scopes lists 1 to 32 scopes, or is omitted for every scope but credential management.");
        RuleForEach(c => c.Scopes).Must(name => name is not null && !name.Contains(' ', StringComparison.Ordinal) && OAuthScopes.TryParse(name, out _, out _))
            .WithMessage((_, name) => $"'{(name?.Length > 40 ? name[..40] : name)}' is not a scope: one of {string.Join(", ", OAuthScopes.Supported)}.");
        RuleFor(c => c.AllowedIps).AllowedIps();
    }
}
