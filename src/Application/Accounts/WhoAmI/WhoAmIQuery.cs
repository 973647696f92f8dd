using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Authorization;
using Akua.Application.Common.Mapping;
using Akua.Application.Common.Security;
using Akua.Domain.Common;
using Akua.Domain.Workspaces;
using MapsterMapper;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

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

/// <summary>
/// Answered from the validated credential (kind, id, expiry, role: exact) and a short-lived memory of the
/// user's or workspace's display fields, so the steady state reads nothing from the database. A rename
/// shows within <see cref="DisplayFor"/>. The credential is in use right now, so that is its last use. The
/// database context is resolved only on a miss, so a hit does not even rent one.
/// </summary>
internal sealed class WhoAmIHandler(IServiceProvider services, ICurrentPrincipal principal, IMemoryCache memory, IMapper mapper, TimeProvider clock)
    : IQueryHandler<WhoAmIQuery, WhoAmIResponse>
{
    public static readonly TimeSpan DisplayFor = TimeSpan.FromSeconds(30);

    public async ValueTask<WhoAmIResponse> Handle(WhoAmIQuery query, CancellationToken cancellationToken)
    {
        var credential = principal.RequireCredential();
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var expiresAt = credential.ExpiresAt?.ToUnixTimeSeconds();
        if (credential.WorkspaceId is { } workspaceId)
        {
            var workspace = await memory.GetOrCreateAsync(("whoami-workspace", workspaceId), async entry =>
            {
                entry.SetAbsoluteExpiration(DisplayFor).SetSize(1);
                var found = await services.GetRequiredService<IApplicationDbContext>().Workspaces.AsNoTracking().SingleAsync(w => w.Id == workspaceId, cancellationToken);
                return new WhoAmIWorkspace(found.Id.ToString(), found.Name, found.Slug);
            });
            return new WhoAmIResponse(credential.Kind, credential.Id, credential.Prefix, expiresAt, now, null, workspace, credential.TokenRole, null);
        }

        var userId = principal.RequireUser();
        var user = await memory.GetOrCreateAsync(("whoami-user", userId), async entry =>
        {
            entry.SetAbsoluteExpiration(DisplayFor).SetSize(1);
            return mapper.Map<UserResponse>(await services.GetRequiredService<IApplicationDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken));
        });
        return new WhoAmIResponse(credential.Kind, credential.Id, null, expiresAt, now, user, null, null, credential.ClientId);
    }
}
