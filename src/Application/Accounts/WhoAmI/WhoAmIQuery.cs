using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Authorization;
using Akua.Application.Common.Mapping;
using Akua.Application.Common.Security;
using Akua.Domain.Common;
using Akua.Domain.Sessions;
using Akua.Domain.Workspaces;
using MapsterMapper;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Akua.Application.Accounts.WhoAmI;

/// <summary>Who the credential is, and when it expires, so a client can warn before it does.</summary>
public sealed record WhoAmIQuery : IQuery<WhoAmIResponse>, IAuthenticatedRequest;

public sealed record WhoAmIWorkspace(string Id, string Name, string Slug);

public sealed record WhoAmIResponse(
    CredentialKind Kind,
    string Id,
    string? Prefix,
    long? ExpiresAt,
    long? LastUsedAt,
    UserResponse? User,
    WhoAmIWorkspace? Workspace,
    WorkspaceRole? Role,
    string? ClientId);

internal sealed class WhoAmIHandler(IApplicationDbContext db, ICurrentPrincipal principal, ILastUseRecorder uses, IMapper mapper)
    : IQueryHandler<WhoAmIQuery, WhoAmIResponse>
{
    public async ValueTask<WhoAmIResponse> Handle(WhoAmIQuery query, CancellationToken cancellationToken)
    {
        var credential = principal.RequireCredential();
        var pending = uses.PendingUse(credential);
        switch (credential.Kind)
        {
            case CredentialKind.ApiToken:
            {
                var id = EntityId.TryParse<ApiTokenId>(credential.Id, out var parsed) ? parsed : throw Gone();
                var token = await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw Gone();
                var workspace = await db.Workspaces.AsNoTracking().SingleAsync(w => w.Id == token.WorkspaceId, cancellationToken);
                return new WhoAmIResponse(credential.Kind, credential.Id, token.Prefix, token.ExpiresAt?.ToUnixTimeSeconds(),
                    Latest(token.LastUsedAt, pending)?.ToUnixTimeSeconds(), null, new WhoAmIWorkspace(workspace.Id.ToString(), workspace.Name, workspace.Slug), token.Role, null);
            }

            case CredentialKind.Session:
            {
                var id = EntityId.TryParse<SessionId>(credential.Id, out var parsed) ? parsed : throw Gone();
                var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw Gone();
                var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == session.UserId, cancellationToken);
                var lastUsed = Latest(session.LastUsedAt, pending)!.Value;
                var expires = Latest(session.ExpiresAt, lastUsed + Session.Lifetime)!.Value;
                return new WhoAmIResponse(credential.Kind, credential.Id, null, expires.ToUnixTimeSeconds(), lastUsed.ToUnixTimeSeconds(),
                    mapper.Map<UserResponse>(user), null, null, session.ClientId);
            }

            default:
            {
                var userId = principal.RequireUser();
                var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
                return new WhoAmIResponse(credential.Kind, credential.Id, null, credential.ExpiresAt?.ToUnixTimeSeconds(), null,
                    mapper.Map<UserResponse>(user), null, null, credential.ClientId);
            }
        }
    }

    private static DateTimeOffset? Latest(DateTimeOffset? stored, DateTimeOffset? pending) =>
        stored is null ? pending : pending is null ? stored : stored > pending ? stored : pending;

    // Revoked between authentication and this read.
    private static DomainException Gone() => DomainException.Unauthorized("The credential is no longer valid.");
}
