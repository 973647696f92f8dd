using OpenTelemetry.Trace;

namespace Akua.WebApi.Http;

/// <summary>
/// The default sampler of a request: at most <c>Telemetry:TracesPerSecond</c> new traces a second on this node,
/// and up to a second's worth at once after a quiet spell. A node at a few requests a second traces every one; a
/// node at full load traces the same few a second, so tracing costs a fixed budget instead of a share of every
/// request (ADR 0023: one trace in ten cost whoami 0.06 of its rate at full load, metrics included). Jaeger's
/// rate-limiting sampler, kept as a generic cell rate algorithm: one timestamp, the time the next trace is due; a
/// request that comes earlier than a second's worth of traces before it is left out with one read, and a kept one
/// moves it on with one compare-and-swap, so two cores never wait on a lock for it.
/// </summary>
/// <remarks>
/// <para>Only requests start traces: a database command outside any request (a PostgreSQL node's revocation
/// heartbeat 50 times a second, the feed's poll 4 times, the last-use flush, retention) would otherwise spend the
/// budget on traces of one span. A probe does spend a trace (ASP.NET Core gives the sampler no path, only the
/// server's address), which <see cref="RequestSpans"/> then leaves unexported: a load balancer's one a second is a
/// tenth of the default budget.</para>
/// <para>It decides for a caller's <c>traceparent</c> too (see <see cref="Default"/>): the span joins the caller's
/// trace, but an internet client's flag does not decide, or any client could have every request traced (W3C Trace
/// Context, section 8.3: denial of service) or keep its own out of traces.</para>
/// </remarks>
public sealed class TraceBudgetSampler : Sampler
{
    public const double MinTracesPerSecond = 0.001;
    public const double MaxTracesPerSecond = 1_000_000;

    private readonly TimeProvider _time;
    private readonly long _interval;  // timestamp ticks between traces at the steady rate
    private readonly long _tolerance; // how far ahead of now the schedule may run: a second's burst, less one interval
    private long _due;                // when the next trace is due, at the steady rate

    public TraceBudgetSampler(double tracesPerSecond, TimeProvider time)
    {
        if (!(tracesPerSecond is >= MinTracesPerSecond and <= MaxTracesPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(tracesPerSecond), tracesPerSecond, $"Between {MinTracesPerSecond} and {MaxTracesPerSecond:N0} traces a second.");
        }

        _time = time;
        _interval = Math.Max(1, (long)(time.TimestampFrequency / tracesPerSecond));
        _tolerance = ((long)Math.Ceiling(tracesPerSecond) - 1) * _interval;
        _due = time.GetTimestamp();
        Description = FormattableString.Invariant($"TraceBudgetSampler{{{tracesPerSecond}/s}}");
    }

    /// <summary>
    /// The budget for every request, with or without a caller's <c>traceparent</c>; inside a request, its spans
    /// (use cases, database commands) follow it.
    /// </summary>
    public static Sampler Default(double tracesPerSecond, TimeProvider time)
    {
        var budget = new TraceBudgetSampler(tracesPerSecond, time);
        return new ParentBasedSampler(budget, remoteParentSampled: budget, remoteParentNotSampled: budget);
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
