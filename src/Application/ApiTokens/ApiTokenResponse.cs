using Akua.Domain.ApiTokens;
using Mapster;

namespace Akua.Application.ApiTokens;

/// <summary>A workspace API token as listed: never the token itself.</summary>
public sealed record ApiTokenResponse(
    string Id,
    string WorkspaceId,
    string Name,
    string Prefix,
    WorkspaceRole Role,
    long CreatedAt,
    long? ExpiresAt,
    long? LastUsedAt);

/// <summary>The answer of creation, the one time the token is shown.</summary>
public sealed record CreatedApiTokenResponse(
    string Id,
    string WorkspaceId,
    string Name,
    string Prefix,
    WorkspaceRole Role,
    long CreatedAt,
    long? ExpiresAt,
    long? LastUsedAt,
    string Token)
{
    /// <summary>The runtime parameter that carries the token to show.</summary>
    public const string TokenParameter = "token";

    public override string ToString() => $"CreatedApiTokenResponse {{ Id = {Id}, Prefix = {Prefix} }}";
}

internal sealed class ApiTokenMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<ApiToken, ApiTokenResponse>();
        config.NewConfig<ApiToken, CreatedApiTokenResponse>()
            .Map(d => d.Token, _ => MapperExtensions.Given<string>(CreatedApiTokenResponse.TokenParameter));
    }
}
