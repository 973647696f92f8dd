using Akua.Application.Common.Security;
using Akua.Domain.Sessions;
using Akua.Infrastructure.OAuth;
using Akua.Infrastructure.Persistence;
using Akua.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Akua.Infrastructure.Authentication;

/// <summary>
/// Looks a well-shaped bearer token up by its SHA-256 and decides, exactly, whether it is valid now. Each
/// accepted use is handed to the last-use recorder; nothing here writes to the database.
/// </summary>
internal sealed class CredentialValidator(AkuaDbContext db, ILastUseRecorder uses, AccessTokens jwts, TimeProvider clock) : ICredentialValidator
{
    public async ValueTask<Credential?> ValidateAsync(string token, CredentialKind kind, CancellationToken cancellationToken)
    {
        var hash = Secrets.HashOf(token);
        var now = clock.GetUtcNow();
        var credential = kind switch
        {
            CredentialKind.Session => await SessionAsync(hash, now, cancellationToken),
            CredentialKind.ApiToken => await ApiTokenAsync(hash, now, cancellationToken),
            CredentialKind.Jwt => await jwts.ValidateAsync(token, cancellationToken),
            _ => null,
        };

        if (credential is not null)
        {
            uses.Record(credential, now);
        }

        return credential;
    }

    private async Task<Credential?> SessionAsync(byte[] hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await db.Sessions.AsNoTracking()
            .Where(s => s.TokenHash == hash)
            .Select(s => new { s.Id, s.UserId, s.ExpiresAt, s.ClientId })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var credential = new Credential(CredentialKind.Session, row.Id.ToString(), hash, row.UserId, null, null, row.ExpiresAt, row.ClientId);

        // The stored expiry may lag the uses this node has not written yet; the decision may not.
        var expiresAt = uses.PendingUse(credential) is { } pending && pending + Session.Lifetime > row.ExpiresAt
            ? pending + Session.Lifetime
            : row.ExpiresAt;
        return now >= expiresAt ? null : credential with { ExpiresAt = now + Session.Lifetime };
    }

    private async Task<Credential?> ApiTokenAsync(byte[] hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Select(t => new { t.Id, t.WorkspaceId, t.Role, t.ExpiresAt })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null || (row.ExpiresAt is { } expiry && now >= expiry))
        {
            return null;
        }

        return new Credential(CredentialKind.ApiToken, row.Id.ToString(), hash, null, row.WorkspaceId, row.Role, row.ExpiresAt);
    }
}
