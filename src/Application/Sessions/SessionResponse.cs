using Akua.Domain.Sessions;

namespace Akua.Application.Sessions;

/// <summary>One of the caller's sessions; <see cref="Current"/> marks the one making this request.</summary>
public sealed record SessionResponse(string Id, string Client, string? UserAgent, string? Ip, long CreatedAt, long LastUsedAt, long ExpiresAt, bool Current)
{
    public static SessionResponse From(Session session, string? currentId) => new(
        session.Id.ToString(), session.ClientId, session.UserAgent, session.IpAddress, session.CreatedAt.ToUnixTimeSeconds(),
        session.LastUsedAt.ToUnixTimeSeconds(), session.ExpiresAt.ToUnixTimeSeconds(), session.Id.ToString() == currentId);
}
