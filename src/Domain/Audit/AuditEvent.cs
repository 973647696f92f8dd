using System.Text.Json;
using Akua.Domain.Common;

namespace Akua.Domain.Audit;

/// <summary>Who did something: a user (with a session, a JWT or a browser), a workspace API token, or nobody yet.</summary>
public enum ActorKind
{
    User,
    ApiToken,
    Anonymous,
    System,
}

/// <summary>Who acted.</summary>
public sealed record AuditActor
{
    public static readonly AuditActor Anonymous = new(ActorKind.Anonymous, null);

    /// <param name="id">A user's <c>usr_</c> id, a token's <c>tok_</c> id, a system's name; null for an anonymous caller.</param>
    /// <param name="tokenPrefix">An API token's display prefix (<c>sk_akua_</c> + 4), never more of it.</param>
    /// <param name="credential">How a user called: <c>session</c>, <c>jwt</c>, <c>password</c> or <c>device_code</c>.</param>
    /// <param name="clientId">The OAuth client of a JWT, or the client that asked for a grant.</param>
    public AuditActor(ActorKind kind, string? id, string? tokenPrefix = null, string? credential = null, string? clientId = null)
    {
        Kind = kind;
        Id = id;
        TokenPrefix = tokenPrefix;
        Credential = credential;
        ClientId = clientId;
    }

    public ActorKind Kind { get; }

    public string? Id { get; }

    public string? TokenPrefix { get; }

    public string? Credential { get; }

    public string? ClientId { get; }

    public static AuditActor User(UserId user, string? credential = null, string? clientId = null) => new(ActorKind.User, user.ToString(), null, credential, clientId);

    /// <summary>An OAuth client acting without a user's credential (a token request, a revocation).</summary>
    public static AuditActor Client(string? clientId) => new(ActorKind.Anonymous, null, clientId: clientId);
}

/// <summary>What an event is about: <c>api_token tok_…</c>, <c>user usr_…</c>, <c>session ses_…</c>.</summary>
public sealed record AuditTarget
{
    public AuditTarget(string type, string? id)
    {
        Type = type;
        Id = id;
    }

    public string Type { get; }

    public string? Id { get; }

    public static AuditTarget Of<TId>(string type, TId id)
        where TId : struct, IEntityId<TId> => new(type, EntityId.Format(id));
}

/// <summary>
/// One security-relevant change, recorded in the same transaction as the change itself, so a crash never leaves
/// a change without its event or an event without its change. Details are plain words and ids: a caller never
/// passes a secret (a test scans every row for the secrets its run made).
/// </summary>
public sealed class AuditEvent
{
    public const int MaxActionLength = 64;
    public const int MaxIdLength = 64;
    public const int MaxTypeLength = 32;
    public const int MaxCredentialLength = 16;
    public const int MaxAddressLength = 64;
    public const int MaxUserAgentLength = 512;
    public const int MaxDetailsLength = 4000;
    public const int MaxDetailLength = 2048;

    private AuditEvent()
    {
        Action = ActorKindName = TargetType = null!;
    }

    public AuditEventId Id { get; private set; }

    /// <summary>Dotted, the thing first: <c>api_token.created</c> (see <see cref="AuditActions"/>).</summary>
    public string Action { get; private set; }

    public string ActorKindName { get; private set; }

    public string? ActorId { get; private set; }

    public string? ActorTokenPrefix { get; private set; }

    public string? ActorCredential { get; private set; }

    public string? ActorClientId { get; private set; }

    public string TargetType { get; private set; }

    public string? TargetId { get; private set; }

    /// <summary>The workspace the change happened in; null for an account's own events.</summary>
    public WorkspaceId? WorkspaceId { get; private set; }

    /// <summary>The account the event belongs to (the user who acted, or whose account was acted on): its owner sees it.</summary>
    public UserId? UserId { get; private set; }

    public string? IpAddress { get; private set; }

    public string? UserAgent { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>A JSON object of strings, or null.</summary>
    public string? Details { get; private set; }

    public static AuditEvent Record(
        string action,
        AuditActor actor,
        AuditTarget target,
        WorkspaceId? workspaceId,
        UserId? userId,
        string? ipAddress,
        string? userAgent,
        IReadOnlyDictionary<string, string?>? details,
        TimeProvider clock)
    {
        if (!AuditActions.IsKnown(action))
        {
            throw new ArgumentException($"'{action}' is not an audit action (AuditActions lists them).", nameof(action));
        }

        return new AuditEvent
        {
            Id = EntityId.New<AuditEventId>(clock),
            Action = action,
            ActorKindName = KindName(actor.Kind),
            ActorId = Clip(actor.Id, MaxIdLength),
            ActorTokenPrefix = Clip(actor.TokenPrefix, MaxIdLength),
            ActorCredential = Clip(actor.Credential, MaxCredentialLength),
            ActorClientId = Clip(actor.ClientId, MaxIdLength),
            TargetType = Clip(target.Type, MaxTypeLength)!,
            TargetId = Clip(target.Id, MaxIdLength),
            WorkspaceId = workspaceId,
            UserId = userId,
            IpAddress = Clip(ipAddress, MaxAddressLength),
            UserAgent = Clip(userAgent, MaxUserAgentLength),
            CreatedAt = clock.GetUtcNow(),
            Details = SerializeDetails(details),
        };
    }

    public AuditActor Actor => new(ParseKind(ActorKindName), ActorId, ActorTokenPrefix, ActorCredential, ActorClientId);

    public IReadOnlyDictionary<string, string?> DetailValues =>
        Details is null ? new Dictionary<string, string?>() : JsonSerializer.Deserialize<Dictionary<string, string?>>(Details) ?? [];

    public static string KindName(ActorKind kind) => kind switch
    {
        ActorKind.User => "user",
        ActorKind.ApiToken => "api_token",
        ActorKind.Anonymous => "anonymous",
        _ => "system",
    };

    private static ActorKind ParseKind(string name) => name switch
    {
        "user" => ActorKind.User,
        "api_token" => ActorKind.ApiToken,
        "anonymous" => ActorKind.Anonymous,
        _ => ActorKind.System,
    };

    // Details are for people: each value is cut to a readable length, and the whole stays within its column.
    private static string? SerializeDetails(IReadOnlyDictionary<string, string?>? details)
    {
        if (details is null || details.Count == 0)
        {
            return null;
        }

        // Several long values (a URL, a user agent) may not fit together: the longest is cut until they do, so a
        // change is never refused for the length of its description.
        var clipped = details.ToDictionary(d => d.Key, d => Clip(d.Value, MaxDetailLength));
        var json = JsonSerializer.Serialize(clipped);
        while (json.Length > MaxDetailsLength)
        {
            // The value that takes the most room as JSON (an escaped character takes up to six), cut in proportion.
            var (key, value) = clipped.Where(d => !string.IsNullOrEmpty(d.Value)).MaxBy(d => JsonSerializer.Serialize(d.Value).Length);
            if (value is null)
            {
                throw new ArgumentException($"Audit details are at most {MaxDetailsLength} characters, even with every value cut.", nameof(details));
            }

            var encoded = JsonSerializer.Serialize(value).Length;
            var excess = json.Length - MaxDetailsLength;
            clipped[key] = Clip(value, Math.Max(0, value.Length - (int)Math.Ceiling((double)excess * value.Length / encoded) - 1));
            json = JsonSerializer.Serialize(clipped);
        }

        return json;
    }

    private static string? Clip(string? value, int length) =>
        value is null || value.Length <= length ? value
        : length <= 0 ? string.Empty
        : value[..(char.IsHighSurrogate(value[length - 1]) ? length - 1 : length)];
}
