namespace Akua.Application.Common.Abstractions;

/// <summary>A newly generated bearer secret: the value to hand out once, and the hash to store.</summary>
public readonly record struct NewSecret(string Value, byte[] Hash)
{
    // Keep the secret out of logs and debugger displays by accident.
    public override string ToString() => "NewSecret { *** }";
}

/// <summary>
/// The one component that generates and hashes bearer secrets (ADR-0004). Nothing else touches raw secrets.
/// </summary>
public interface ISecrets
{
    NewSecret NewSessionToken();

    NewSecret NewApiToken();

    NewSecret NewDeviceCode();

    string NewUserCode();

    /// <summary>A client's public identifier (not a secret).</summary>
    string NewClientId();

    NewSecret NewClientSecret();

    NewSecret NewAuthorizationCode();

    NewSecret NewRefreshToken();

    /// <summary>The code an email invitation is accepted with (the inviter passes it on, as a link).</summary>
    NewSecret NewInvitationCode();

    byte[] Hash(string secret);

    /// <summary>
    /// Whether <paramref name="candidate"/> has the shape and checksum of a workspace API token: a random string
    /// fails here, before any database work.
    /// </summary>
    bool IsApiToken(string candidate);
}
