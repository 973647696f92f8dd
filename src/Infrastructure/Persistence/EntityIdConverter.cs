using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Akua.Infrastructure.Persistence;

/// <summary>Stores a strongly typed id as its Guid (uuid / uniqueidentifier / TEXT).</summary>
public sealed class EntityIdConverter<TId>() : ValueConverter<TId, Guid>(id => id.Value, value => FromGuid(value))
    where TId : struct, IEntityId<TId>
{
    // Expression trees cannot call static abstract members directly; this plain method can.
    private static TId FromGuid(Guid value) => TId.From(value);
}

/// <summary>SQLite has no time type that orders; Unix milliseconds in an INTEGER do.</summary>
public sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
    t => t.ToUnixTimeMilliseconds(),
    v => DateTimeOffset.FromUnixTimeMilliseconds(v));
