namespace Akua.Application.Common.Security;

/// <summary>
/// Turns a well-shaped bearer token into a credential, or null when it is unknown, expired or revoked.
/// The caller has already rejected malformed tokens (and API tokens with a bad checksum) without I/O.
/// </summary>
public interface ICredentialValidator
{
    /// <param name="token">The token as it sits in the request header (a slice of it: no copy is made on the hot path).</param>
    ValueTask<Credential?> ValidateAsync(ReadOnlyMemory<char> token, CredentialKind kind, CancellationToken cancellationToken);
}
