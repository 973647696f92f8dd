using Akua.TestSupport;

namespace Akua.Reliability.Tests;

/// <summary>A test class with its own new database of one engine, dropped afterwards.</summary>
public abstract class OnDatabase<TDatabase> : IAsyncLifetime
    where TDatabase : TestDatabase, new()
{
    protected TDatabase Database { get; } = new();

    public virtual ValueTask InitializeAsync() => Database.InitializeAsync();

    public virtual ValueTask DisposeAsync() => Database.DisposeAsync();
}
