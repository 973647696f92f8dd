namespace Akua.Application.Common;

public static class Ids
{
    /// <summary>
    /// The id named in a route, or the use case's "not found": an id of the wrong prefix or shape names
    /// nothing, as an id of another workspace does (API.md section 2).
    /// </summary>
    public static TId ParseOrNotFound<TId>(string? text, string notFoundMessage)
        where TId : struct, IEntityId<TId> =>
        EntityId.TryParse<TId>(text, out var id) ? id : throw DomainException.NotFound(notFoundMessage);
}
