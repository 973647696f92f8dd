using Microsoft.Extensions.Logging;

namespace Akua.Application.Common.Behaviors;

/// <summary>
/// Opens a log scope naming the command. Only the name: payloads carry passwords and tokens. Queries get
/// none: they change nothing and log next to nothing, and a scope costs two async-local writes and a
/// scope object on every request (a query's failure is logged with its request id and path).
/// </summary>
internal sealed class LoggingScopeBehavior<TMessage, TResponse>(ILogger<LoggingScopeBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
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
