namespace Akua.Application.Common.Behaviors;

/// <summary>
/// After a revoking command has committed (it runs outside <see cref="UnitOfWorkBehavior{TMessage,TResponse}"/>),
/// waits at the revocation barrier before the answer leaves: a caller told "revoked" can rely on it everywhere.
/// Only commands marked <see cref="IRevokesCredentials"/> have this step in their pipeline.
/// </summary>
internal sealed class RevocationBarrierBehavior<TMessage, TResponse>(IRevocationBarrier barrier)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand, IRevokesCredentials
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        await barrier.PassAsync(); // committed: the client's cancellation no longer changes what happened
        return response;
    }
}
