namespace Akua.Application.Common.Security;

/// <summary>
/// Turns a well-shaped bearer token into a credential, or null when it is unknown, expired or revoked.
/// The caller has already rejected malformed tokens (and API tokens with a bad checksum) without I/O.
/// </summary>
public interface ICredentialValidator
{
    ValueTask<Credential?> ValidateAsync(string token, CredentialKind kind, CancellationToken cancellationToken);
}
