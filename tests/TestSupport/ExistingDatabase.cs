using Akua.Infrastructure.Persistence;

namespace Akua.TestSupport;

/// <summary>Another view of a database a fixture already made: a second server node on the same data.</summary>
public sealed class ExistingDatabase(TestDatabase owner) : TestDatabase
{
    public override DatabaseProvider Provider => owner.Provider;

    protected override Task<(DatabaseOptions? Options, string? SkipReason)> CreateAsync() =>
        Task.FromResult<(DatabaseOptions?, string?)>((owner.Options, owner.SkipReason));

    // The owner drops it.
    protected override Task DropAsync(DatabaseOptions options) => Task.CompletedTask;
}
