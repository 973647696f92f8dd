using System.Diagnostics;
using Akua.WebApi.Http;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace Akua.WebApi.FunctionalTests;

/// <summary>
/// The default root sampler keeps a budget of traces a second (issue 20's telemetry cost, ADR 0023): every root
/// while the rate is under it, a second's worth at once, and no more than the budget however many requests come.
/// </summary>
public sealed class TraceBudgetSamplerTests
{
    private static readonly SamplingParameters Root = new(default, ActivityTraceId.CreateRandom(), "GET /v1/auth/whoami", ActivityKind.Server);

    private static bool Kept(Sampler sampler) => sampler.ShouldSample(Root).Decision == SamplingDecision.RecordAndSample;

    [Fact]
    public void A_second_of_traces_at_once_then_one_each_interval()
    {
        var time = new FakeTimeProvider();
        var sampler = new TraceBudgetSampler(10, time);

        Assert.Equal(10, Enumerable.Range(0, 50).Count(_ => Kept(sampler))); // a burst: the second's ten, no more
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(Kept(sampler));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Kept(sampler)); // a tenth of a second later: one more
        Assert.False(Kept(sampler));

        time.Advance(TimeSpan.FromMinutes(5)); // a quiet spell banks a second's worth, not five minutes'
        Assert.Equal(10, Enumerable.Range(0, 50).Count(_ => Kept(sampler)));
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 20)]
    [InlineData(0.5, 1)]
    [InlineData(1000, 3)]
    public void Under_steady_load_it_keeps_the_budget_and_no_more(double perSecond, int requestsPerMillisecond)
    {
        var time = new FakeTimeProvider();
        var sampler = new TraceBudgetSampler(perSecond, time);
        var kept = 0;
        for (var ms = 0; ms < 60_000; ms++)
        {
            for (var i = 0; i < requestsPerMillisecond; i++)
            {
                kept += Kept(sampler) ? 1 : 0;
            }

            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // A minute at the budget, plus the first second's burst, whatever the request rate (up to 20,000 a second).
        var expected = 60 * perSecond + Math.Ceiling(perSecond) - 1;
        Assert.InRange(kept, Math.Min(expected, 60 * requestsPerMillisecond * 1000) - 1, expected + 1);
    }

    [Fact]
    public void Under_the_budget_every_root_is_kept()
    {
        var time = new FakeTimeProvider();
        var sampler = new TraceBudgetSampler(10, time);
        for (var i = 0; i < 600; i++) // a request every 200 ms for two minutes: half the budget
        {
            Assert.True(Kept(sampler), $"request {i} was left out");
            time.Advance(TimeSpan.FromMilliseconds(200));
        }
    }

    [Fact]
    public void Two_cores_at_once_take_the_budget_exactly_once()
    {
        var time = new FakeTimeProvider();
        var sampler = new TraceBudgetSampler(1000, time);
        var kept = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                if (Kept(sampler))
                {
                    Interlocked.Increment(ref kept);
                }
            }
        });

        Assert.Equal(1000, kept); // the clock stood still: the burst, each trace counted once
    }

    [Fact]
    public void A_root_that_is_not_a_request_is_left_out_and_spends_nothing()
    {
        var sampler = new TraceBudgetSampler(1, new FakeTimeProvider());
        var command = new SamplingParameters(default, ActivityTraceId.CreateRandom(), "SELECT", ActivityKind.Client);

        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(command).Decision); // the feed's poll, a heartbeat
        Assert.True(Kept(sampler)); // the one trace of the second is still there for a request
    }

    [Fact]
    public void A_caller_s_flag_is_decided_by_the_budget_and_spans_inside_a_request_follow_it()
    {
        var time = new FakeTimeProvider();
        var sampler = TraceBudgetSampler.Default(1, time);
        var remote = (ActivityTraceFlags flags) => new SamplingParameters(
            new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), flags, isRemote: true),
            default, "GET /v1/auth/whoami", ActivityKind.Server);

        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(remote(ActivityTraceFlags.None)).Decision); // the budget's
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(remote(ActivityTraceFlags.Recorded)).Decision); // spent: the flag buys nothing
        var inside = (ActivityTraceFlags flags) => new SamplingParameters(
            new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), flags), default, "SELECT", ActivityKind.Client);
        Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(inside(ActivityTraceFlags.Recorded)).Decision);
        Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(inside(ActivityTraceFlags.None)).Decision);
    }

    [Theory]
    [InlineData(0.0001)]
    [InlineData(2_000_000)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_budget_that_is_not_a_positive_rate_is_refused(double perSecond) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TraceBudgetSampler(perSecond, TimeProvider.System));
}
