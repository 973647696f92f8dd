namespace Akua.Infrastructure.Credentials;

/// <summary>
/// Turns a well-shaped bearer token into a credential, or null when it is unknown, expired or revoked.
/// The caller has already rejected malformed tokens (and API tokens with a bad checksum) without I/O.
/// </summary>
public interface ICredentialValidator
{
    /// <param name="token">The token as it sits in the request header (a slice of it: no copy is made on the hot path).</param>
    /// <param name="client">
    /// The request's address: a credential is returned whatever it is, but its use is recorded only from an address
    /// it is allowed at (the caller refuses the others).
    /// </param>
    ValueTask<Credential?> ValidateAsync(ReadOnlyMemory<char> token, CredentialKind kind, System.Net.IPAddress? client, CancellationToken cancellationToken);

    /// <summary>
    /// Decides from memory alone whether <paramref name="credential"/>, which <see cref="ValidateAsync"/> returned
    /// for a token, is still valid now for that very same token, exactly as <see cref="ValidateAsync"/> would
    /// (revocation, expiry, last use). It spares the caller hashing a token it has just seen again. False when
    /// memory cannot tell (then call <see cref="ValidateAsync"/>); true with <paramref name="current"/> null when
    /// the credential is no longer valid.
    /// </summary>
    bool TryRevalidate(Credential credential, System.Net.IPAddress? client, out Credential? current);
}
