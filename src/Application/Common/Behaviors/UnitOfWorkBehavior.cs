using Akua.Application.Common.Abstractions;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.Application.Common.Behaviors;

/// <summary>A command's changes are saved once, after its handler, in one transaction; queries save nothing.</summary>
internal sealed class UnitOfWorkBehavior<TMessage, TResponse>(IServiceProvider services)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        if (message is IBaseCommand)
        {
            // Resolved only for commands: a query must not even rent a database context.
            await services.GetRequiredService<IApplicationDbContext>().SaveChangesAsync(cancellationToken);
        }

        return response;
    }
}
