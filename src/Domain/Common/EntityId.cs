namespace Akua.Domain.Common;

/// <summary>
/// A strongly typed id: a UUIDv7 (time-ordered) with a type prefix on the wire, e.g. <c>tok_0190…</c>.
/// Comparable, so keyset pagination can say "after this id" (EF Core translates <c>CompareTo</c> to SQL).
/// </summary>
public interface IEntityId<TSelf> : IComparable<TSelf>
    where TSelf : struct, IEntityId<TSelf>
{
    static abstract string Prefix { get; }

    static abstract TSelf From(Guid value);

    Guid Value { get; }
}

public static class EntityId
{
    private const int HexLength = 32;

    public static TId New<TId>(TimeProvider clock)
        where TId : struct, IEntityId<TId> => TId.From(MonotonicUuid.NewVersion7(clock.GetUtcNow()));

    public static string Format<TId>(TId id)
        where TId : struct, IEntityId<TId> => string.Concat(TId.Prefix, id.Value.ToString("N"));

    /// <summary>Parses the wire form. Anything of the wrong prefix or shape is simply not an id.</summary>
    public static bool TryParse<TId>(string? text, out TId id)
        where TId : struct, IEntityId<TId>
    {
        id = default;
        if (text is null || text.Length != TId.Prefix.Length + HexLength || !text.StartsWith(TId.Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var hex = text.AsSpan(TId.Prefix.Length);
        foreach (var c in hex)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        id = TId.From(Guid.ParseExact(hex, "N"));
        return true;
    }
}
