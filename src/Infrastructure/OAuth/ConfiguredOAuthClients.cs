namespace Akua.Infrastructure.OAuth;

public sealed class OAuthOptions
{
    /// <summary>Public clients (no secret) allowed to use the device grant. The CLI is always one.</summary>
    public List<OAuthClientInfo> PublicClients { get; init; } = [];
}

/// <summary>The registered public clients, from configuration (<c>OAuth:PublicClients</c>).</summary>
public sealed class ConfiguredOAuthClients(IOptions<OAuthOptions> options) : IOAuthClients
{
    public static readonly OAuthClientInfo Cli = new("cnap-cli", "Akua CLI (cnap)");

    private readonly Dictionary<string, OAuthClientInfo> _clients = options.Value.PublicClients
        .Append(Cli)
        .Where(c => !string.IsNullOrWhiteSpace(c.ClientId))
        .DistinctBy(c => c.ClientId, StringComparer.Ordinal)
        .ToDictionary(c => c.ClientId, StringComparer.Ordinal);

    public OAuthClientInfo? FindPublic(string clientId) => _clients.GetValueOrDefault(clientId);
}
