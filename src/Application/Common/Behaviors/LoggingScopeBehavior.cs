using Mediator;
using Microsoft.Extensions.Logging;

namespace Akua.Application.Common.Behaviors;

/// <summary>
/// Opens a log scope naming the request. Only the name: request payloads carry passwords and tokens.
/// </summary>
internal sealed class LoggingScopeBehavior<TMessage, TResponse>(ILogger<LoggingScopeBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    // One state object per request type, made once: the scope costs no allocation on the hot path.
    private static readonly KeyValuePair<string, object>[] Scope = [new("UseCase", typeof(TMessage).Name)];

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using (logger.BeginScope(Scope))
        {
            return await next(message, cancellationToken);
        }
    }
}
