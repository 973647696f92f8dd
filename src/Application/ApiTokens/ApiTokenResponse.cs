using Akua.Domain.Workspaces;

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
    public override string ToString() => $"CreatedApiTokenResponse {{ Id = {Id}, Prefix = {Prefix} }}";
}
