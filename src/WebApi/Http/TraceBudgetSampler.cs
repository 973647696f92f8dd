using OpenTelemetry.Trace;

namespace Akua.WebApi.Http;

/// <summary>
/// The default root sampler: at most <c>Telemetry:TracesPerSecond</c> new traces a second on this node, and up to
/// a second's worth at once after a quiet spell. A node at a few requests a second traces every one; a node at
/// full load traces the same few a second, so tracing costs a fixed budget instead of a share of every request
/// (ADR 0023: one trace in ten cost whoami 0.03 of its rate at full load). Jaeger's rate-limiting sampler, kept as a
/// generic cell rate algorithm: one timestamp, the time the next trace is due; a request that comes earlier than a
/// second's worth of traces before it is left out with one read, and a kept one moves it on with one
/// compare-and-swap, so two cores never wait on a lock for it.
/// </summary>
/// <remarks>
/// Only requests start traces: a database command outside any request (a PostgreSQL node's revocation heartbeat 50
/// times a second, the feed's poll 4 times, the last-use flush, retention) would otherwise spend the budget on
/// traces of one span that say nothing the <c>Akua</c> meter does not. It decides roots only: inside <see cref="ParentBasedSampler"/> a caller's <c>traceparent</c> keeps its decision,
/// so a trace begun upstream stays whole and one asked for (flag <c>01</c>) is kept whatever the budget. Unlike
/// a trace-id ratio it does not decide alike on every service for one trace id; a root here has no caller that
/// decided.
/// </remarks>
public sealed class TraceBudgetSampler : Sampler
{
    private readonly TimeProvider _time;
    private readonly long _interval;  // timestamp ticks between traces at the steady rate
    private readonly long _tolerance; // how far ahead of now the schedule may run: a second's burst, less one interval
    private long _due;                // when the next trace is due, at the steady rate

    public TraceBudgetSampler(double tracesPerSecond, TimeProvider time)
    {
        if (!double.IsFinite(tracesPerSecond) || tracesPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tracesPerSecond), tracesPerSecond, "A positive number of traces a second.");
        }

        _time = time;
        _interval = Math.Max(1, (long)(time.TimestampFrequency / tracesPerSecond));
        _tolerance = Math.Max(0, (long)Math.Ceiling(tracesPerSecond) - 1) * _interval;
        _due = time.GetTimestamp();
        Description = FormattableString.Invariant($"TraceBudgetSampler{{{tracesPerSecond}/s}}");
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.Kind != System.Diagnostics.ActivityKind.Server)
        {
            return new SamplingResult(SamplingDecision.Drop);
        }

        while (true)
        {
            var due = Volatile.Read(ref _due);
            var now = _time.GetTimestamp();
            if (due - now > _tolerance)
            {
                return new SamplingResult(SamplingDecision.Drop);
            }

            if (Interlocked.CompareExchange(ref _due, Math.Max(due, now) + _interval, due) == due)
            {
                return new SamplingResult(SamplingDecision.RecordAndSample);
            }
        }
    }
}
