using Akua.Domain.Common;

namespace Akua.Domain.Installs;

/// <summary>A small workspace-scoped resource, so the documented scoping examples run as written.</summary>
public sealed class Install
{
    public const int MaxNameLength = 100;
    public const int MaxProductLength = 100;

    private Install()
    {
        Name = Product = null!;
    }

    public InstallId Id { get; private set; }

    public WorkspaceId WorkspaceId { get; private set; }

    public string Name { get; private set; }

    public string Product { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static Install Create(WorkspaceId workspaceId, string name, string product, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(product);
        return new Install
        {
            Id = EntityId.New<InstallId>(clock),
            WorkspaceId = workspaceId,
            Name = name.Trim(),
            Product = product.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
    }
}
