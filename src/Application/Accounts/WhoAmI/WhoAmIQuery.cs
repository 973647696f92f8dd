using Akua.Application.Common;
using Mapster;
using Microsoft.Extensions.Caching.Memory;

namespace Akua.Application.Accounts.WhoAmI;

/// <summary>Who the credential is, and when it expires, so a client can warn before it does.</summary>
public sealed record WhoAmIQuery : IQuery<WhoAmIResponse>, IAuthenticatedRequest
{
    public static IntegrationAccess Integrations => IntegrationAccess.Allowed;
}

public sealed record WhoAmIWorkspace(string Id, string Name, string Slug);

internal sealed class WhoAmIMapping : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<Akua.Domain.Workspaces.Workspace, WhoAmIWorkspace>();
}

public sealed record WhoAmIResponse(
    CredentialKind Kind,
    string Id,
    string? Prefix,
    long? ExpiresAt,
    long? LastUsedAt,
    UserResponse? User,
    WhoAmIWorkspace? Workspace,
    WorkspaceRole? Role,
    string? ClientId,
    IReadOnlyList<string>? Permissions);

/// <summary>
/// Answered from the validated credential (kind, id, expiry, role: exact) and a short-lived memory of the
/// user's or workspace's display fields, so the steady state reads nothing from the database. A rename
/// shows within <see cref="DisplayFor"/>. The credential is in use right now, so that is its last use. The
/// database context is resolved only on a miss (<see cref="Deferred{T}"/>), so a hit does not even rent one.
/// </summary>
internal sealed class WhoAmIHandler(Deferred<IApplicationDbContext> db, ICurrentPrincipal principal, IMemoryCache memory, IMapper mapper, TimeProvider clock)
    : IQueryHandler<WhoAmIQuery, WhoAmIResponse>
{
    public static readonly TimeSpan DisplayFor = TimeSpan.FromSeconds(30);

    // Keyed by the typed id itself (a user id and a workspace id never collide: different types).
    private static readonly MemoryCacheEntryOptions Display = new() { AbsoluteExpirationRelativeToNow = DisplayFor, Size = 1 };

    public async ValueTask<WhoAmIResponse> Handle(WhoAmIQuery query, CancellationToken cancellationToken)
    {
        var credential = principal.RequireCredential();
        var at = clock.GetUtcNow();
        var now = at.ToUnixTimeSeconds();
        // A session slides: this very use moves its expiry to a full lifetime from now.
        var expiresAt = credential.Kind == CredentialKind.Session
            ? Akua.Domain.Sessions.Session.ExpiryAfterUseAt(at).ToUnixTimeSeconds()
            : credential.ExpiresAt?.ToUnixTimeSeconds();
        if (credential.WorkspaceId is { } workspaceId)
        {
            // A hit is answered synchronously: no task, no state machine.
            if (!memory.TryGetValue(workspaceId, out WhoAmIWorkspace? workspace))
            {
                var found = await db.Value.Workspaces.AsNoTracking().SingleAsync(w => w.Id == workspaceId, cancellationToken);
                workspace = memory.Set(workspaceId, mapper.Map<WhoAmIWorkspace>(found), Display);
            }

            var granted = Permissions.OfRole(credential.TokenRole!.Value) & (credential.Permissions ?? Permissions.Everything);
            return new WhoAmIResponse(credential.Kind, credential.Id, credential.Prefix, expiresAt, now, null, workspace, credential.TokenRole, null, Permissions.Names(granted));
        }

        var userId = principal.RequireUser();
        if (!memory.TryGetValue(userId, out UserResponse? user))
        {
            var found = await db.Value.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
            user = memory.Set(userId, mapper.Map<UserResponse>(found), Display);
        }

        // A user's rights depend on the workspace (its role there); a JWT says what its scope allows within them.
        var scoped = credential.Kind == CredentialKind.Jwt ? Permissions.Names(credential.Permissions ?? Permission.None) : null;
        return new WhoAmIResponse(credential.Kind, credential.Id, null, expiresAt, now, user, null, null, credential.ClientId, scoped);
    }
}
