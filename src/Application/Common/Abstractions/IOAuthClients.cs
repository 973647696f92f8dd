namespace Akua.Application.Common.Abstractions;

/// <summary>A client allowed to start an OAuth flow (the CLI is one: <c>cnap-cli</c>).</summary>
public sealed record OAuthClientInfo(string ClientId, string Name);

public interface IOAuthClients
{
    /// <summary>A registered public client (no secret), or null.</summary>
    OAuthClientInfo? FindPublic(string clientId);
}
