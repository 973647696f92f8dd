using Akua.Application.Common.Abstractions;
using Mediator;

namespace Akua.Application.Common.Behaviors;

/// <summary>
/// A command's changes are saved once, after its handler, in one transaction. Constrained to commands: a
/// query's pipeline does not even contain this step.
/// </summary>
internal sealed class UnitOfWorkBehavior<TMessage, TResponse>(IApplicationDbContext db)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return response;
    }
}
