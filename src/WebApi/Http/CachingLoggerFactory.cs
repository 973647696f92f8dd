using System.Collections.Concurrent;

namespace Akua.WebApi.Http;

/// <summary>
/// Serilog's logger factory builds a new logger (with its own event-id cache) on every
/// <see cref="ILoggerFactory.CreateLogger"/>, and ASP.NET Core's authentication handlers, made once per
/// request, each ask for one: about 1.5 KB of garbage on every request. This hands out one logger per
/// category, as Microsoft's own factory does.
/// </summary>
public sealed class CachingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, inner.CreateLogger);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();
}

public static class CachingLoggerFactoryRegistration
{
    /// <summary>Wraps the registered <see cref="ILoggerFactory"/> (call after the logging set-up).</summary>
    public static IServiceCollection CacheLoggersPerCategory(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("No ILoggerFactory is registered yet.");
        services.Remove(registered);
        services.AddSingleton<ILoggerFactory>(sp => new CachingLoggerFactory(registered switch
        {
            { ImplementationInstance: ILoggerFactory instance } => instance,
            { ImplementationFactory: { } factory } => (ILoggerFactory)factory(sp),
            _ => (ILoggerFactory)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!),
        }));
        return services;
    }
}
