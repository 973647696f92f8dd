using Microsoft.Extensions.DependencyInjection;

namespace Akua.Application.Common;

/// <summary>
/// A dependency resolved on first use, declared in the constructor like any other. For the few steps on the
/// hot path that need a scoped service only sometimes (the database context on a cache miss, the workspace
/// scope of a workspace request): resolving it eagerly would rent a pooled context or grow the request scope on
/// every request (ADR 0013). The one place in Application that holds a service provider; an architecture test
/// keeps it so.
/// </summary>
public sealed class Deferred<T>(IServiceProvider services)
    where T : notnull
{
    private T? _value;

    public T Value => _value ??= services.GetRequiredService<T>();
}
