using System.Diagnostics;

namespace Akua.Application.Common.Behaviors;

/// <summary>
/// A span per use case, named after it (<c>WhoAmIQuery</c>), with no attribute: payloads carry passwords and
/// tokens. Without a listener (telemetry off) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null at once and the request goes on without a state machine of its own; outside a sampled trace (a
/// request the sampler left out, background work) no span is made either.
/// </summary>
internal sealed class TracingBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly string Name = typeof(TMessage).Name;

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        // Only inside a trace the sampler kept: a request it left out has no recorded activity, and a use case must
        // not start a trace of its own there (nor cost nearly every request at full load; ADR 0023).
        var activity = Activity.Current is { Recorded: true } ? AkuaTracing.Source.StartActivity(Name) : null;
        return activity is null ? next(message, cancellationToken) : TracedAsync(activity, message, next, cancellationToken);
    }

    private static async ValueTask<TResponse> TracedAsync(Activity activity, TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using (activity)
        {
            try
            {
                return await next(message, cancellationToken);
            }
            catch (Exception e)
            {
                // The exception's type only: a message may quote input.
                activity.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                throw;
            }
        }
    }
}

/// <summary>The <c>Akua</c> activity source: one span per use case.</summary>
public static class AkuaTracing
{
    public const string SourceName = "Akua";

    public static readonly ActivitySource Source = new(SourceName);
}
