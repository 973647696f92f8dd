using Akua.Domain.OAuth;

namespace Akua.Application.OAuthClients;

public sealed record OAuthClientResponse(string Id, string ClientId, string Name, IReadOnlyList<string> RedirectUris, OAuthClientType Type, long CreatedAt)
{
    public static OAuthClientResponse From(OAuthClient client) => new(
        client.Id.ToString(), client.ClientId, client.Name, client.RedirectUris, client.Type, client.CreatedAt.ToUnixTimeSeconds());
}

/// <summary>The answer of registration: a confidential client's secret, shown this once.</summary>
public sealed record RegisteredOAuthClientResponse(string Id, string ClientId, string Name, IReadOnlyList<string> RedirectUris, OAuthClientType Type, long CreatedAt, string? ClientSecret)
{
    public override string ToString() => $"RegisteredOAuthClientResponse {{ ClientId = {ClientId} }}";
}
