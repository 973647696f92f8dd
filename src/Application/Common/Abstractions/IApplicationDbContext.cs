using Akua.Domain.ApiTokens;
using Akua.Domain.DeviceCodes;
using Akua.Domain.Installs;
using Akua.Domain.OAuth;
using Akua.Domain.Revocations;
using Akua.Domain.Sessions;
using Akua.Domain.Users;

namespace Akua.Application.Common.Abstractions;

/// <summary>
/// The narrow view of the database that use cases get (ADR-0002: no generic repository). The unit-of-work
/// behaviour saves; handlers only add, change and remove.
/// </summary>
public interface IApplicationDbContext
{
    DbSet<User> Users { get; }

    DbSet<Workspace> Workspaces { get; }

    DbSet<Membership> Memberships { get; }

    DbSet<Invitation> Invitations { get; }

    DbSet<ApiToken> ApiTokens { get; }

    DbSet<Session> Sessions { get; }

    DbSet<DeviceCode> DeviceCodes { get; }

    DbSet<Install> Installs { get; }

    DbSet<Revocation> Revocations { get; }

    DbSet<OAuthClient> OAuthClients { get; }

    DbSet<AuthorizationCode> AuthorizationCodes { get; }

    DbSet<RefreshToken> RefreshTokens { get; }

    DbSet<AuditEvent> AuditEvents { get; }

    DbSet<ApiTokenUsage> ApiTokenUsage { get; }

    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets unsaved changes, after a save that lost a race, so nothing retries them.</summary>
    void DiscardChanges();
}
