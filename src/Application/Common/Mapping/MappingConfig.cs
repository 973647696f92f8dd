using Akua.Application.ApiTokens;
using Akua.Application.Installs;
using Akua.Domain.ApiTokens;
using Akua.Domain.Common;
using Akua.Domain.Installs;
using Akua.Domain.Workspaces;
using Akua.Domain.Users;
using Mapster;

namespace Akua.Application.Common.Mapping;

/// <summary>
/// Every entity-to-response mapping, configured explicitly and compiled at start-up (a test compiles it too),
/// so a renamed property fails loudly instead of mapping to a default. Only entities are mapped onto
/// responses; request bodies are never mapped onto entities.
/// </summary>
public static class MappingConfig
{
    public static TypeAdapterConfig Create()
    {
        var config = new TypeAdapterConfig
        {
            RequireExplicitMapping = true,
            RequireDestinationMemberSource = true,
        };

        // Wire conventions: prefixed string ids, Unix seconds.
        config.NewConfig<DateTimeOffset, long>().MapWith(t => t.ToUnixTimeSeconds());
        config.NewConfig<DateTimeOffset?, long?>().MapWith(t => t.HasValue ? t.Value.ToUnixTimeSeconds() : null);
        config.NewConfig<UserId, string>().MapWith(id => id.ToString());
        config.NewConfig<WorkspaceId, string>().MapWith(id => id.ToString());
        config.NewConfig<ApiTokenId, string>().MapWith(id => id.ToString());
        config.NewConfig<InstallId, string>().MapWith(id => id.ToString());
        config.NewConfig<WorkspaceRole, WorkspaceRole>().MapWith(role => role);

        config.NewConfig<User, UserResponse>();
        config.NewConfig<ApiToken, ApiTokenResponse>();
        config.NewConfig<Install, InstallResponse>();

        config.Compile();
        return config;
    }
}

/// <summary>A user as the API shows it.</summary>
public sealed record UserResponse(string Id, string Email, string Name);
