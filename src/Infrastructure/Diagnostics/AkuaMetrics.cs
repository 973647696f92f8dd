using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Akua.Infrastructure.Diagnostics;

/// <summary>
/// The <c>Akua</c> meter (System.Diagnostics.Metrics): what this node does, as an operator's collector, a test's
/// <see cref="MeterListener"/> and the benchmark's Prometheus scrape all read it. One instance per service
/// provider (<see cref="IMeterFactory"/>), so two servers in one test process do not count into each other.
/// Recording costs nothing while no one listens, and a few nanoseconds when someone does: the tags are
/// preallocated, no measurement allocates. What every request records (its authentication, its cache lookup) is
/// counted in this object's own cells with one atomic increment and published as observable counters, read when a
/// collector collects: a counter's <c>Add</c> costs a tag lookup and an update in every listening reader on each
/// request, which with OpenTelemetry's OTLP and Prometheus readers was a measurable share of whoami (ADR 0023).
/// </summary>
public sealed class AkuaMetrics
{
    public const string MeterName = "Akua";

    /// <summary>Commands sent to the database, tagged by origin (request or background), kind (read or write) and route.</summary>
    public const string DbCommands = "akua.db.commands";

    /// <summary>Credentials answered from the node's cache (no tags: the cheapest count there is, on the hot path).</summary>
    public const string CredentialCacheHits = "akua.credential_cache.hits";

    /// <summary>Credentials looked up in the database or by signature because the cache could not answer.</summary>
    public const string CredentialCacheMisses = "akua.credential_cache.misses";

    /// <summary>Workspace requests of a session or a JWT authorized by the role this node remembered.</summary>
    public const string MembershipCacheHits = "akua.membership_cache.hits";

    /// <summary>Workspace requests of a session or a JWT whose role had to be read from the database.</summary>
    public const string MembershipCacheMisses = "akua.membership_cache.misses";

    /// <summary>Bearer and cookie authentications, tagged by credential kind and outcome.</summary>
    public const string Authentications = "akua.authentications";

    /// <summary>Seconds since this node's last completed read of the revocation feed began.</summary>
    public const string RevocationFeedLag = "akua.revocation_feed.lag";

    /// <summary>Credentials whose last use is buffered on this node and not yet written.</summary>
    public const string LastUsePending = "akua.last_use.pending";

    /// <summary>Flushes of the last-use buffer that wrote (each one transaction: on PostgreSQL and SQLite, at most three statements).</summary>
    public const string LastUseFlushes = "akua.last_use.flushes";

    /// <summary>Statements the last-use flushes sent: divided by the flushes, what a flush costs the database.</summary>
    public const string LastUseStatements = "akua.last_use.statements";

    /// <summary>Credentials (sessions and API tokens) whose last use the flushes wrote.</summary>
    public const string LastUseCredentials = "akua.last_use.credentials";

    /// <summary>Rows deleted by retention, tagged by table.</summary>
    public const string Pruned = "akua.retention.deleted";

    /// <summary>Answers of the token endpoint, tagged by grant type and outcome (<c>issued</c> or the OAuth error code).</summary>
    public const string Grants = "akua.oauth.grants";

    /// <summary>Requests refused by a limit, tagged by which one: request rates, password work, guesses of a secret.</summary>
    public const string RateLimitRefusals = "akua.rate_limit.refusals";

    public const string OriginTag = "akua.origin";
    public const string TableTag = "akua.table";
    public const string OperationTag = "db.operation.kind";
    public const string RouteTag = "http.route";
    public const string KindTag = "akua.credential.kind";
    public const string OutcomeTag = "akua.outcome";
    public const string GrantTypeTag = "oauth.grant_type";
    public const string LimitTag = "akua.limit";

    private static readonly KeyValuePair<string, object?> Background = new(OriginTag, "background");
    private static readonly KeyValuePair<string, object?> Request = new(OriginTag, "request");
    private static readonly KeyValuePair<string, object?> Read = new(OperationTag, "read");
    private static readonly KeyValuePair<string, object?> Write = new(OperationTag, "write");
    private static readonly KeyValuePair<string, object?> Accepted = new(OutcomeTag, "accepted");
    private static readonly KeyValuePair<string, object?> Refused = new(OutcomeTag, "refused");
    private static readonly KeyValuePair<string, object?> Malformed = new(KindTag, "malformed");

    // Indexed by CredentialKind: each kind's tag made once.
    private static readonly KeyValuePair<string, object?>[] Kinds =
        Enum.GetValues<CredentialKind>().Select(k => new KeyValuePair<string, object?>(KindTag, WireName(k))).ToArray();

    private readonly Counter<long> _dbCommands;
    private readonly ObservableCounter<long> _cacheHits;
    private readonly ObservableCounter<long> _cacheMisses;
    private readonly ObservableCounter<long> _authentications;
    private readonly ObservableCounter<long> _membershipHits;
    private readonly ObservableCounter<long> _membershipMisses;
    private long _cacheHitCount;
    private long _cacheMissCount;
    private long _membershipHitCount;
    private long _membershipMissCount;

    // One cell per (kind or malformed, outcome): index (kind << 1) | refused, where malformed is Kinds.Length.
    private readonly long[] _authenticationCounts = new long[(Kinds.Length + 1) * 2];
    private readonly Counter<long> _pruned;
    private readonly Counter<long> _lastUseFlushes;
    private readonly Counter<long> _lastUseStatements;
    private readonly Counter<long> _lastUseCredentials;
    private readonly Counter<long> _grants;
    private readonly Counter<long> _refusals;

    public AkuaMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _dbCommands = Meter.CreateCounter<long>(DbCommands, "{command}", "Commands sent to the database by this node.");
        _cacheHits = Meter.CreateObservableCounter(CredentialCacheHits, () => Volatile.Read(ref _cacheHitCount), "{credential}", "Credentials this node answered from its cache.");
        _cacheMisses = Meter.CreateObservableCounter(CredentialCacheMisses, () => Volatile.Read(ref _cacheMissCount), "{credential}", "Credentials this node had to look up.");
        _membershipHits = Meter.CreateObservableCounter(MembershipCacheHits, () => Volatile.Read(ref _membershipHitCount), "{request}", "Workspace requests authorized by a role this node remembered.");
        _membershipMisses = Meter.CreateObservableCounter(MembershipCacheMisses, () => Volatile.Read(ref _membershipMissCount), "{request}", "Workspace requests whose role this node read from the database.");
        _authentications = Meter.CreateObservableCounter(Authentications, ObserveAuthentications, "{authentication}", "Bearer tokens and session cookies this node decided on.");
        _lastUseFlushes = Meter.CreateCounter<long>(LastUseFlushes, "{flush}", "Flushes of this node's last-use buffer that wrote.");
        _lastUseStatements = Meter.CreateCounter<long>(LastUseStatements, "{statement}", "Statements this node's last-use flushes sent.");
        _lastUseCredentials = Meter.CreateCounter<long>(LastUseCredentials, "{credential}", "Credentials whose last use this node's flushes wrote.");
        _pruned = Meter.CreateCounter<long>(Pruned, "{row}", "Rows deleted by retention because what they held had ended.");
        _grants = Meter.CreateCounter<long>(Grants, "{answer}", "Token endpoint answers: tokens issued, or the OAuth error.");
        _refusals = Meter.CreateCounter<long>(RateLimitRefusals, "{request}", "Requests this node refused because a limit was reached.");
    }

    public Meter Meter { get; }

    /// <summary>Whether anyone listens to <see cref="DbCommands"/>: when no one does, a command is not even classified.</summary>
    public bool CountsDbCommands => _dbCommands.Enabled;

    /// <param name="route">The route of the request that sent it; null for the node's background work.</param>
    public void DbCommand(string? route, bool write)
    {
        if (route is null)
        {
            _dbCommands.Add(1, Background, write ? Write : Read);
        }
        else
        {
            _dbCommands.Add(1, Request, write ? Write : Read, new KeyValuePair<string, object?>(RouteTag, route));
        }
    }

    /// <param name="statements">The statements the flush's transaction sent.</param>
    /// <param name="credentials">The credentials it wrote.</param>
    public void LastUseFlushed(int statements, int credentials)
    {
        _lastUseFlushes.Add(1);
        _lastUseStatements.Add(statements);
        _lastUseCredentials.Add(credentials);
    }

    public void RowsPruned(string table, int count) => _pruned.Add(count, new KeyValuePair<string, object?>(TableTag, table));

    /// <param name="grantType">The grant as the request named it, shortened to a known name (anything else is <c>other</c>).</param>
    /// <param name="outcome"><c>issued</c>, or the OAuth error code answered (a small fixed set).</param>
    public void Grant(string? grantType, string outcome) =>
        _grants.Add(1, new KeyValuePair<string, object?>(GrantTypeTag, GrantTypeName(grantType)), new KeyValuePair<string, object?>(OutcomeTag, outcome));

    /// <param name="limit">Which limit refused: a fixed name (<c>device_codes</c>, <c>sign_ups</c>, <c>password_work</c>, or an attempt kind).</param>
    public void RateLimitRefused(string limit) => _refusals.Add(1, new KeyValuePair<string, object?>(LimitTag, limit));

    /// <summary>A grant type as a tag: the standard names, never the raw text a client sent (which could be anything).</summary>
    public static string GrantTypeName(string? grantType) => grantType switch
    {
        "urn:ietf:params:oauth:grant-type:device_code" => "device_code",
        "authorization_code" => "authorization_code",
        "refresh_token" => "refresh_token",
        null => "none",
        _ => "other",
    };

    /// <summary>Counted only while someone listens, as a counter's <c>Add</c> would be.</summary>
    public void CredentialCacheLookup(bool hit)
    {
        if (hit ? _cacheHits.Enabled : _cacheMisses.Enabled)
        {
            Interlocked.Increment(ref hit ? ref _cacheHitCount : ref _cacheMissCount);
        }
    }

    /// <summary>Counted only while someone listens, as a counter's <c>Add</c> would be.</summary>
    public void MembershipCacheLookup(bool hit)
    {
        if (hit ? _membershipHits.Enabled : _membershipMisses.Enabled)
        {
            Interlocked.Increment(ref hit ? ref _membershipHitCount : ref _membershipMissCount);
        }
    }

    /// <param name="kind">The kind the token's shape says; null for a malformed one.</param>
    /// <param name="accepted">Whether the credential was accepted.</param>
    public void Authentication(CredentialKind? kind, bool accepted)
    {
        if (_authentications.Enabled)
        {
            Interlocked.Increment(ref _authenticationCounts[((kind is { } k ? (int)k : Kinds.Length) << 1) | (accepted ? 0 : 1)]);
        }
    }

    private IEnumerable<Measurement<long>> ObserveAuthentications()
    {
        for (var cell = 0; cell < _authenticationCounts.Length; cell++)
        {
            // A tag set appears once it has been counted, as it would with a counter.
            if (Volatile.Read(ref _authenticationCounts[cell]) is var count and > 0)
            {
                var kind = cell >> 1 == Kinds.Length ? Malformed : Kinds[cell >> 1];
                yield return new Measurement<long>(count, kind, (cell & 1) == 0 ? Accepted : Refused);
            }
        }
    }

    /// <summary>Publishes the revocation feed's lag; <paramref name="lag"/> is null before the first read.</summary>
    public void ObserveRevocationFeedLag(Func<TimeSpan?> lag) =>
        Meter.CreateObservableGauge(RevocationFeedLag, () => lag() is { } value ? [new Measurement<double>(value.TotalSeconds)] : Array.Empty<Measurement<double>>(),
            "s", "Time since this node's last completed read of the revocation feed began.");

    public void ObserveLastUsePending(Func<int> pending) =>
        Meter.CreateObservableGauge(LastUsePending, pending, "{credential}", "Credentials whose last use is buffered on this node, not yet written.");

    /// <summary>The kind as the API spells it (whoami's <c>kind</c>).</summary>
    public static string WireName(CredentialKind kind) => kind switch
    {
        CredentialKind.Session => "session",
        CredentialKind.ApiToken => "api_token",
        CredentialKind.Jwt => "jwt",
        _ => throw new UnreachableException(),
    };
}
