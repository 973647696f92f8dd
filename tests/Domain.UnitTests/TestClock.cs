using Microsoft.Extensions.Time.Testing;

namespace Akua.Domain.UnitTests;

internal static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider New() => new(Start);

    public static byte[] Hash(byte seed = 1) => Enumerable.Repeat(seed, 32).ToArray();
}
