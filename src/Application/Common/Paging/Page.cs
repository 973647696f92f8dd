using System.Buffers.Text;
using System.Globalization;
using System.Linq.Expressions;

namespace Akua.Application.Common.Paging;

/// <summary>A list answer: <c>{"data": [...], "has_more": bool, "next_cursor": string|null}</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, bool HasMore, string? NextCursor);

/// <summary>
/// What the caller asked for: <c>limit</c> (1..100, default 50) and the opaque <c>cursor</c> of the previous
/// page, as they came. Binding never fails on them: <see cref="PageRequestValidator"/> checks both for every list
/// query (<see cref="IPagedQuery"/>), and a bad one is a 400 whatever the list (API.md).
/// </summary>
public readonly record struct PageRequest(int? Limit, string? Cursor)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    /// <summary>How many rows the page holds at most.</summary>
    public int Size => Limit ?? DefaultLimit;

    /// <summary>Where the page starts; the validator has already refused a cursor that does not decode.</summary>
    public PageCursor? After => Cursor is null ? null : PageCursor.Decode(Cursor);
}

/// <summary>A list query: its <see cref="Page"/> is checked by <see cref="PageRequestValidator"/> before it runs.</summary>
public interface IPagedQuery
{
    PageRequest Page { get; }
}

/// <summary>
/// A position in a newest-first list: the (created_at, id) of the last item seen. Keyset, not offset, so a
/// page is stable while rows are inserted. Opaque to clients; anything that does not decode is a 400.
/// The time is kept to the tick: PostgreSQL stores microseconds and SQL Server 100 ns, and a cursor rounded
/// to milliseconds skipped the rows created within the same millisecond just after the page's last row.
/// </summary>
public sealed record PageCursor(DateTimeOffset CreatedAt, Guid Id)
{
    private const string Version = "2";
    private const string MillisecondsVersion = "1"; // issued before ticks; still read

    public string Encode()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Version}.{CreatedAt.UtcTicks}.{Id:N}");
        return Base64Url.EncodeToString(System.Text.Encoding.ASCII.GetBytes(text));
    }

    /// <summary>Decodes a cursor this API returned; anything else is a 400.</summary>
    public static PageCursor Decode(string cursor) =>
        TryDecode(cursor, out var decoded) ? decoded : throw DomainException.BadRequest(Invalid);

    public const string Invalid = "cursor is not a cursor this API returned.";

    public static bool TryDecode(string cursor, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PageCursor? decoded)
    {
        decoded = null;
        if (cursor.Length is 0 or > 128)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = System.Text.Encoding.ASCII.GetString(bytes).Split('.');
        if (parts.Length != 3 || parts[0] is not (Version or MillisecondsVersion)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var time)
            || time > (parts[0] == Version ? DateTimeOffset.MaxValue.UtcTicks : DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            || parts[2].Length != 32 || !Guid.TryParseExact(parts[2], "N", out var id))
        {
            return false;
        }

        var createdAt = parts[0] == Version ? new DateTimeOffset(time, TimeSpan.Zero) : DateTimeOffset.FromUnixTimeMilliseconds(time);
        decoded = new PageCursor(createdAt, id);
        return true;
    }
}

public static class PagingExtensions
{
    /// <summary>
    /// Newest first by (<paramref name="createdAt"/>, <paramref name="id"/>), after the request's cursor, one
    /// extra row fetched to know whether there is more.
    /// </summary>
    public static async Task<Page<TResult>> ToPageAsync<TEntity, TId, TResult>(
        this IQueryable<TEntity> query,
        PageRequest page,
        Expression<Func<TEntity, DateTimeOffset>> createdAt,
        Expression<Func<TEntity, TId>> id,
        Func<TEntity, TResult> map,
        CancellationToken cancellationToken)
        where TId : struct, IEntityId<TId>
    {
        if (page.After is { } after)
        {
            query = query.Where(After(createdAt, id, after.CreatedAt, TId.From(after.Id)));
        }

        var rows = await query.OrderByDescending(createdAt).ThenByDescending(id).Take(page.Size + 1).ToListAsync(cancellationToken);
        var hasMore = rows.Count > page.Size;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        string? next = null;
        if (hasMore)
        {
            var last = rows[^1];
            next = new PageCursor(createdAt.Compile()(last), id.Compile()(last).Value).Encode();
        }

        return new Page<TResult>(rows.Select(map).ToList(), hasMore, next);
    }

    // e => e.CreatedAt < t || (e.CreatedAt == t && e.Id.CompareTo(i) < 0), built once per call from the two selectors.
    private static Expression<Func<TEntity, bool>> After<TEntity, TId>(
        Expression<Func<TEntity, DateTimeOffset>> createdAt, Expression<Func<TEntity, TId>> id, DateTimeOffset at, TId afterId)
        where TId : struct, IEntityId<TId>
    {
        var entity = createdAt.Parameters[0];
        var created = createdAt.Body;
        var identity = new ReplaceParameter(id.Parameters[0], entity).Visit(id.Body);
        Expression<Func<DateTimeOffset>> atValue = () => at;
        Expression<Func<TId>> idValue = () => afterId;
        var compare = Expression.Call(identity, typeof(TId).GetMethod(nameof(IComparable<TId>.CompareTo), [typeof(TId)])!, idValue.Body);
        var body = Expression.OrElse(
            Expression.LessThan(created, atValue.Body),
            Expression.AndAlso(Expression.Equal(created, atValue.Body), Expression.LessThan(compare, Expression.Constant(0))));
        return Expression.Lambda<Func<TEntity, bool>>(body, entity);
    }

    private sealed class ReplaceParameter(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
