using Akua.Domain.Sessions;
using Mapster;

namespace Akua.Application.Sessions;

/// <summary>One of the caller's sessions; <see cref="Current"/> marks the one making this request.</summary>
public sealed record SessionResponse(string Id, string Client, string? UserAgent, string? Ip, long CreatedAt, long LastUsedAt, long ExpiresAt, bool Current)
{
    /// <summary>The runtime parameter that carries the id of the session making the request (null for another credential).</summary>
    public const string CurrentParameter = "current";
}

internal sealed class SessionMapping : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<Session, SessionResponse>()
        .Map(d => d.Client, s => s.ClientId)
        .Map(d => d.Ip, s => s.IpAddress)
        .Map(d => d.Current, s => s.Id.ToString() == MapperExtensions.Given<string?>(SessionResponse.CurrentParameter));
}
