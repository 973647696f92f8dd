using Akua.Domain.OAuth;
using Mapster;

namespace Akua.Application.OAuthClients;

/// <param name="Scopes">The scopes it may ask users for, write implying read.</param>
/// <param name="AllowedIps">The networks its access tokens may be used from; null for any address.</param>
public sealed record OAuthClientResponse(
    string Id, string ClientId, string Name, IReadOnlyList<string> RedirectUris, OAuthClientType Type, long CreatedAt, IReadOnlyList<string> Scopes, IReadOnlyList<string>? AllowedIps);

/// <summary>The answer of registration: a confidential client's secret, shown this once.</summary>
public sealed record RegisteredOAuthClientResponse(
    string Id, string ClientId, string Name, IReadOnlyList<string> RedirectUris, OAuthClientType Type, long CreatedAt, IReadOnlyList<string> Scopes, IReadOnlyList<string>? AllowedIps,
    string? ClientSecret)
{
    /// <summary>The runtime parameter that carries the secret to show (null for a public client).</summary>
    public const string SecretParameter = "client_secret";

    public override string ToString() => $"RegisteredOAuthClientResponse {{ ClientId = {ClientId} }}";
}

internal sealed class OAuthClientMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<OAuthClient, OAuthClientResponse>()
            .Map(d => d.Scopes, s => Permissions.Names(s.Scopes))
            .Map(d => d.AllowedIps, s => s.AllowedIps == null ? null : s.AllowedIps.Split(' ', StringSplitOptions.None));
        config.NewConfig<OAuthClient, RegisteredOAuthClientResponse>()
            .Map(d => d.Scopes, s => Permissions.Names(s.Scopes))
            .Map(d => d.AllowedIps, s => s.AllowedIps == null ? null : s.AllowedIps.Split(' ', StringSplitOptions.None))
            .Map(d => d.ClientSecret, _ => MapperExtensions.Given<string?>(RegisteredOAuthClientResponse.SecretParameter));
    }
}
