using Akua.Application.Common.Behaviors;

namespace Akua.Application.OAuth;

/// <summary>
/// A grant of the token endpoint (RFC 6749 section 4, RFC 8628 section 3.4): the device code, the authorization
/// code and the refresh token grants are each one of these. They answer the same way (<see cref="OAuthTokenResult"/>),
/// authenticate their client the same way (<see cref="OAuthGrantHandler{TGrant}"/>), and answer a lost race as
/// <c>invalid_grant</c> rather than a 409.
/// </summary>
/// <param name="ClientUse">Which clients the grant admits.</param>
/// <param name="LostRace">
/// What a grant that lost the race for its code or token answers (the concurrency token let another request
/// redeem it first): the tokens this attempt made were never saved.
/// </param>
public abstract record OAuthGrant(string ClientId, string? ClientSecret, OAuthClientUse ClientUse, string LostRace)
    : ICommand<OAuthTokenResult>, IAnonymousRequest, IAnswersConflict<OAuthTokenResult>
{
    public OAuthTokenResult AnswerConflict(OAuthTokenResult handled) => handled.OrLostRace(LostRace);

    // Never the code, the token or the secret: a log line shows the grant and the client only.
    public sealed override string ToString() => $"{GetType().Name} {{ ClientId = {ClientId} }}";
}

/// <summary>
/// Every grant's handler: authenticates the client for the grant (<see cref="OAuthClientAuthenticator"/>), then
/// grants. The concrete handler also declares <c>ICommandHandler&lt;TGrant, OAuthTokenResult&gt;</c>, which this
/// class's <see cref="Handle"/> implements. Nothing saves here: the unit of work commits, and asks the grant
/// for its answer when the commit loses a race.
/// </summary>
internal abstract class OAuthGrantHandler<TGrant>(OAuthClientAuthenticator clients)
    where TGrant : OAuthGrant
{
    public async ValueTask<OAuthTokenResult> Handle(TGrant grant, CancellationToken cancellationToken)
    {
        var client = await clients.AuthenticateAsync(grant.ClientUse, grant.ClientId, grant.ClientSecret, cancellationToken);
        return client.Failed ? OAuthTokenResult.Fail(client.Error!) : await GrantAsync(grant, client.ClientId!, cancellationToken);
    }

    /// <param name="clientId">The authenticated client.</param>
    protected abstract ValueTask<OAuthTokenResult> GrantAsync(TGrant grant, string clientId, CancellationToken cancellationToken);
}
