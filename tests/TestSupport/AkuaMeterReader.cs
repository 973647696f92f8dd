using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akua.Infrastructure.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.TestSupport;

/// <summary>
/// Reads one server's <c>Akua</c> meter with a <see cref="MeterListener"/>, as an operator's collector would: the
/// database commands it sent (by origin and kind), its credential cache lookups and its authentications. Only
/// that server's meter is read (each service provider has its own), so servers in one test process stay apart.
/// Counting starts when the reader is made; tests compare a count before and after. Authentications and cache
/// lookups are observable counters (cumulative totals, read when collected), so those are read by collecting and
/// counted from their totals when the reader was made.
/// </summary>
public sealed class AkuaMeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _requestCommands;
    private long _backgroundCommands;
    private long _writes;
    private long _lastUseFlushes;
    private long _lastUseStatements;
    private long _lastUseCredentials;
    private readonly ConcurrentDictionary<(string Instrument, string? Kind, string? Outcome), long> _totals = new();
    private readonly Dictionary<(string Instrument, string? Kind, string? Outcome), long> _atStart;
    private readonly Lock _collecting = new();

    public AkuaMeterReader(IServiceProvider services)
    {
        var meter = services.GetRequiredService<AkuaMetrics>().Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
        _atStart = Collect();
    }

    /// <summary>Commands sent on behalf of requests, leaving out the node's own background work (feed, last use).</summary>
    public long RequestCommands => Interlocked.Read(ref _requestCommands);

    /// <summary>Every command, requests' and background work's.</summary>
    public long Commands => RequestCommands + Interlocked.Read(ref _backgroundCommands);

    /// <summary>INSERT, UPDATE and DELETE statements, whatever their origin.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>The last-use flushes that wrote, the statements they sent, and the credentials they wrote.</summary>
    public (long Flushes, long Statements, long Credentials) LastUse =>
        (Interlocked.Read(ref _lastUseFlushes), Interlocked.Read(ref _lastUseStatements), Interlocked.Read(ref _lastUseCredentials));

    public long CacheHits => Since((AkuaMetrics.CredentialCacheHits, null, null));

    public long CacheMisses => Since((AkuaMetrics.CredentialCacheMisses, null, null));

    /// <param name="kind">session, api_token, jwt or malformed.</param>
    /// <param name="outcome">accepted or refused.</param>
    public long Authentications(string kind, string outcome) => Since((AkuaMetrics.Authentications, kind, outcome));

    private long Since((string, string?, string?) key) => Collect().GetValueOrDefault(key) - _atStart.GetValueOrDefault(key);

    private Dictionary<(string Instrument, string? Kind, string? Outcome), long> Collect()
    {
        lock (_collecting)
        {
            _listener.RecordObservableInstruments();
            return new(_totals);
        }
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case AkuaMetrics.DbCommands:
                Interlocked.Add(ref Tag(tags, AkuaMetrics.OriginTag) == "request" ? ref _requestCommands : ref _backgroundCommands, value);
                if (Tag(tags, AkuaMetrics.OperationTag) == "write")
                {
                    Interlocked.Add(ref _writes, value);
                }

                break;
            case AkuaMetrics.LastUseFlushes:
                Interlocked.Add(ref _lastUseFlushes, value);
                break;
            case AkuaMetrics.LastUseStatements:
                Interlocked.Add(ref _lastUseStatements, value);
                break;
            case AkuaMetrics.LastUseCredentials:
                Interlocked.Add(ref _lastUseCredentials, value);
                break;
            case AkuaMetrics.CredentialCacheHits or AkuaMetrics.CredentialCacheMisses or AkuaMetrics.Authentications:
                // Observed totals: the latest one is the count.
                _totals[(instrument.Name, Tag(tags, AkuaMetrics.KindTag), Tag(tags, AkuaMetrics.OutcomeTag))] = value;
                break;
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    public void Dispose() => _listener.Dispose();
}
