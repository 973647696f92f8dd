namespace Akua.Application.DeviceAuthorization.StartDeviceAuthorization;

internal sealed class StartDeviceAuthorizationValidator : AbstractValidator<StartDeviceAuthorizationCommand>
{
    public StartDeviceAuthorizationValidator()
    {
        RuleFor(c => c.ClientId).NotEmpty().MaximumLength(64);
        RuleFor(c => c.Scope).MaximumLength(256);
    }
}
