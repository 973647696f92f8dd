using Akua.Domain.OAuth;
using Mapster;

namespace Akua.Application.OAuthClients;

public sealed record OAuthClientResponse(string Id, string ClientId, string Name, IReadOnlyList<string> RedirectUris, OAuthClientType Type, long CreatedAt);

/// <summary>The answer of registration: a confidential client's secret, shown this once.</summary>
public sealed record RegisteredOAuthClientResponse(string Id, string ClientId, string Name, IReadOnlyList<string> RedirectUris, OAuthClientType Type, long CreatedAt, string? ClientSecret)
{
    /// <summary>The runtime parameter that carries the secret to show (null for a public client).</summary>
    public const string SecretParameter = "client_secret";

    public override string ToString() => $"RegisteredOAuthClientResponse {{ ClientId = {ClientId} }}";
}

internal sealed class OAuthClientMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<OAuthClient, OAuthClientResponse>();
        config.NewConfig<OAuthClient, RegisteredOAuthClientResponse>()
            .Map(d => d.ClientSecret, _ => MapperExtensions.Given<string?>(RegisteredOAuthClientResponse.SecretParameter));
    }
}
