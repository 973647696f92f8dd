namespace Akua.Application.Common.Abstractions;

/// <summary>This server's identifier as an OAuth issuer (its public base URL): the <c>iss</c> of its JWTs.</summary>
public interface IIssuer
{
    string Issuer { get; }
}

public sealed record IssuedAccessToken(string Token, string Id, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"IssuedAccessToken {{ Id = {Id} }}";
}

/// <summary>Signs short-lived RFC 9068 access tokens with the current shared signing key.</summary>
public interface IAccessTokens
{
    TimeSpan Lifetime { get; }

    Task<IssuedAccessToken> IssueAsync(UserId user, string clientId, string scope, CancellationToken cancellationToken);
}
