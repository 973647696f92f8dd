using Akua.Application.Common.Validation;
using Akua.Domain.ApiTokens;

namespace Akua.Application.ApiTokens.RollApiToken;

internal sealed class RollApiTokenValidator : AbstractValidator<RollApiTokenCommand>
{
    public RollApiTokenValidator(TimeProvider clock)
    {
        RuleFor(c => c.ExpiresIn).InclusiveBetween(0, (long)ApiToken.MaxRollOverlap.TotalSeconds)
            .WithMessage($"expires_in is 0 to {(long)ApiToken.MaxRollOverlap.TotalSeconds} seconds (7 days): how long the old token keeps working.");
        RuleFor(c => c.ExpiresAt).FutureUnixSeconds(clock);
    }
}
