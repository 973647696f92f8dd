using Akua.Domain.ApiTokens;
using Mapster;

namespace Akua.Application.ApiTokens;

/// <summary>A workspace API token as listed: never the token itself.</summary>
/// <param name="CreatedBy">Who made it: a <c>usr_</c> or <c>tok_</c> id (null for tokens made before this was kept).</param>
/// <param name="Replaces">The token it was rolled from.</param>
/// <param name="ReplacedBy">The token that replaced it when it was rolled (it works until <c>expires_at</c>).</param>
/// <param name="RevokedAt">When it was revoked because it leaked (a token revoked by hand is gone instead).</param>
/// <param name="RevokedReason"><c>leaked</c> when a secret scanner reported it.</param>
/// <param name="LeakUrl">Where the scanner found it.</param>
/// <param name="Permissions">What it may do: the permissions it was made with, or all its role allows.</param>
/// <param name="AllowedIps">The networks it may be used from; null for any address.</param>
public sealed record ApiTokenResponse(
    string Id,
    string WorkspaceId,
    string Name,
    string Prefix,
    WorkspaceRole Role,
    long CreatedAt,
    long? ExpiresAt,
    long? LastUsedAt,
    string? CreatedBy,
    string? Replaces,
    string? ReplacedBy,
    long? RevokedAt,
    string? RevokedReason,
    string? LeakUrl,
    IReadOnlyList<string> Permissions,
    IReadOnlyList<string>? AllowedIps);

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
    string? CreatedBy,
    string? Replaces,
    IReadOnlyList<string> Permissions,
    IReadOnlyList<string>? AllowedIps,
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
        config.NewConfig<ApiToken, ApiTokenResponse>()
            .Map(d => d.Replaces, s => s.ReplacesId == null ? null : s.ReplacesId.Value.ToString())
            .Map(d => d.ReplacedBy, s => s.ReplacedById == null ? null : s.ReplacedById.Value.ToString())
            .Map(d => d.RevokedReason, s => s.RevokedAt == null ? null : "leaked")
            .Map(d => d.Permissions, s => Akua.Domain.Workspaces.Permissions.Names(s.Effective))
            .Map(d => d.AllowedIps, s => s.AllowedIps == null ? null : s.AllowedIps.Split(' ', StringSplitOptions.None));
        config.NewConfig<ApiToken, CreatedApiTokenResponse>()
            .Map(d => d.Replaces, s => s.ReplacesId == null ? null : s.ReplacesId.Value.ToString())
            .Map(d => d.Permissions, s => Akua.Domain.Workspaces.Permissions.Names(s.Effective))
            .Map(d => d.AllowedIps, s => s.AllowedIps == null ? null : s.AllowedIps.Split(' ', StringSplitOptions.None))
            .Map(d => d.Token, _ => MapperExtensions.Given<string>(CreatedApiTokenResponse.TokenParameter));
    }
}
