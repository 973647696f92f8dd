using Akua.Application.Common.Validation;

namespace Akua.Application.Audit;

/// <summary>
/// The filters both audit lists take: an exact <c>action</c> (or a family, <c>api_token.</c> with the dot), the
/// actor's id, and a time window in Unix seconds (<c>since</c> inclusive, <c>until</c> exclusive).
/// </summary>
public sealed record AuditFilter(string? Action = null, string? ActorId = null, long? Since = null, long? Until = null)
{
    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> events)
    {
        if (Action is { } action)
        {
            events = action.EndsWith('.') ? events.Where(e => e.Action.StartsWith(action)) : events.Where(e => e.Action == action);
        }

        if (ActorId is { } actor)
        {
            events = events.Where(e => e.ActorId == actor);
        }

        if (Since is { } since)
        {
            var from = DateTimeOffset.FromUnixTimeSeconds(since);
            events = events.Where(e => e.CreatedAt >= from);
        }

        if (Until is { } until)
        {
            var to = DateTimeOffset.FromUnixTimeSeconds(until);
            events = events.Where(e => e.CreatedAt < to);
        }

        return events;
    }
}

/// <summary>Bad filters are a malformed request (400), like a bad cursor.</summary>
internal sealed class AuditFilterValidator : AbstractValidator<AuditFilter>
{
    public AuditFilterValidator()
    {
        RuleFor(f => f.Action).MaximumLength(AuditEvent.MaxActionLength)
            .Must(a => a is null || a.All(c => char.IsAsciiLetterLower(c) || c is '_' or '.'))
            .WithMessage("action is an audit action such as api_token.created, or a family such as api_token.").AsMalformedRequest();
        RuleFor(f => f.ActorId).MaximumLength(AuditEvent.MaxIdLength)
            .Must(a => a is null || a.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            .WithMessage("actor_id is a usr_ or tok_ id.").AsMalformedRequest();
        RuleFor(f => f.Since).InclusiveBetween(0, RuleExtensions.MillisecondsThreshold - 1)
            .WithMessage("since is in Unix seconds.").AsMalformedRequest();
        RuleFor(f => f.Until).InclusiveBetween(0, RuleExtensions.MillisecondsThreshold - 1)
            .WithMessage("until is in Unix seconds.").AsMalformedRequest();
        RuleFor(f => f).Must(f => f.Since is null || f.Until is null || f.Since <= f.Until)
            .WithName("since").WithMessage("since must not be after until.").AsMalformedRequest();
    }
}
