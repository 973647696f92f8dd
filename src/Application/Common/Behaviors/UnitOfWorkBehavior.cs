using Akua.Application.Common.Abstractions;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.Application.Common.Behaviors;

/// <summary>
/// A command's changes are saved once, after its handler, in one transaction. Constrained to commands: a
/// query's pipeline does not even contain this step.
/// </summary>
internal sealed class UnitOfWorkBehavior<TMessage, TResponse>(IServiceProvider services)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        await services.GetRequiredService<IApplicationDbContext>().SaveChangesAsync(cancellationToken);
        return response;
    }
}
