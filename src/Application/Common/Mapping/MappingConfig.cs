using Akua.Domain.OAuth;
using Mapster;

namespace Akua.Application.Common.Mapping;

/// <summary>
/// Every entity-to-response mapping goes through Mapster, configured next to its response type (an
/// <see cref="IRegister"/> in the response's file) and compiled with every member explicit, so a renamed
/// property fails loudly instead of mapping to a default (a test compiles it). Here are only the wire
/// conventions every mapping shares. Only entities are mapped onto responses; request bodies are never mapped
/// onto entities.
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

        // Wire conventions: prefixed string ids, Unix seconds, enums as they are (their wire names are the JSON layer's).
        config.NewConfig<DateTimeOffset, long>().MapWith(t => t.ToUnixTimeSeconds());
        config.NewConfig<DateTimeOffset?, long?>().MapWith(t => t.HasValue ? t.Value.ToUnixTimeSeconds() : null);
        Id<UserId>(config);
        Id<WorkspaceId>(config);
        Id<MembershipId>(config);
        Id<ApiTokenId>(config);
        Id<SessionId>(config);
        Id<InstallId>(config);
        Id<OAuthClientId>(config);
        Id<InvitationId>(config);
        config.NewConfig<WorkspaceRole, WorkspaceRole>().MapWith(role => role);
        config.NewConfig<InvitationStatus, InvitationStatus>().MapWith(status => status);
        config.NewConfig<OAuthClientType, OAuthClientType>().MapWith(type => type);

        config.Scan(typeof(MappingConfig).Assembly); // each response's own mapping
        config.Compile();
        return config;
    }

    private static void Id<TId>(TypeAdapterConfig config)
        where TId : struct, IEntityId<TId>
    {
        config.NewConfig<TId, string>().MapWith(id => id.ToString()!);
        config.NewConfig<TId?, string?>().MapWith(id => id.HasValue ? id.Value.ToString() : null);
    }
}

/// <summary>
/// A response that shows one value its entity does not hold (the caller's role in a workspace, a secret shown
/// once) gets it as a Mapster runtime parameter: <c>mapper.Map&lt;Workspace, WorkspaceResponse&gt;(workspace, "role", role)</c>,
/// and its mapping reads it with <see cref="Given{T}"/>.
/// </summary>
public static class MapperExtensions
{
    public static TResponse Map<TSource, TResponse>(this IMapper mapper, TSource source, string name, object? value) =>
        mapper.From(source).AddParameters(name, value!).AdaptToType<TResponse>();

    /// <summary>The runtime parameter <paramref name="name"/> of the mapping in progress (inside a mapping expression).</summary>
    public static T Given<T>(string name) => (T)MapContext.Current!.Parameters[name];
}
