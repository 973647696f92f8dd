namespace Akua.Infrastructure.OAuth;

/// <summary><c>Jwt:*</c>: the access tokens this server signs (RFC 9068).</summary>
public sealed class JwtOptions
{
    /// <summary>The <c>aud</c> of access tokens for this API.</summary>
    public string Audience { get; set; } = "akua-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one key signs before the next takes over.</summary>
    public TimeSpan RotationPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long before it signs a new key is published, and the JWK set's <c>Cache-Control: max-age</c>: a
    /// resource server that honours the header always holds a key before the first token it signs.
    /// </summary>
    public TimeSpan KeyPublicationLead { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Tolerance for clocks that disagree a little (<c>exp</c>, <c>nbf</c>).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);
}
