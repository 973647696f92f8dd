using Akua.Application.Common.Validation;

namespace Akua.Application.Common.Paging;

/// <summary>
/// The paging rules of every list query (<see cref="IPagedQuery"/>), registered once per query type: <c>limit</c>
/// 1..100 and a <c>cursor</c> this API returned. Its failures are malformed requests (400), not invalid bodies
/// (422), as API.md says for a bad limit or a forged cursor.
/// </summary>
internal sealed class PagedQueryValidator<TQuery> : AbstractValidator<TQuery>
    where TQuery : IPagedQuery
{
    public PagedQueryValidator()
    {
        RuleFor(q => q.Page.Limit)
            .Must(limit => limit is null or (>= 1 and <= PageRequest.MaxLimit))
            .WithMessage($"limit must be between 1 and {PageRequest.MaxLimit}.")
            .OverridePropertyName("limit")
            .AsMalformedRequest();
        RuleFor(q => q.Page.Cursor)
            .Must(cursor => cursor is null || PageCursor.TryDecode(cursor, out _))
            .WithMessage(PageCursor.Invalid)
            .OverridePropertyName("cursor")
            .AsMalformedRequest();
    }
}
