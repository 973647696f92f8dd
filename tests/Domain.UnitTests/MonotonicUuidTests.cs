using Akua.Domain.Common;

namespace Akua.Domain.UnitTests;

public sealed class MonotonicUuidTests
{
    [Fact]
    public void Ids_made_in_one_millisecond_strictly_increase_and_stay_version_7()
    {
        var at = DateTimeOffset.UtcNow.AddYears(5); // a millisecond no other test uses
        var ids = Enumerable.Range(0, 10_000).Select(_ => MonotonicUuid.NewVersion7(at)).ToList();

        for (var i = 1; i < ids.Count; i++)
        {
            // Big-endian order is the order of the wire form and of the databases' uuid and text columns.
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString("N"), ids[i].ToString("N")) < 0, $"id {i} is not after id {i - 1}");
        }

        Assert.All(ids, id => Assert.Equal(7, id.Version));
        Assert.All(ids, id => Assert.Equal(0x8, id.Variant & 0xC)); // RFC 9562 variant 10xx
    }

    [Fact]
    public void A_later_millisecond_starts_from_fresh_random_bits_with_its_own_timestamp()
    {
        var at = DateTimeOffset.UtcNow.AddYears(6);
        var first = MonotonicUuid.NewVersion7(at);
        var later = MonotonicUuid.NewVersion7(at.AddMilliseconds(1));

        Assert.Equal((at.ToUnixTimeMilliseconds() + 1).ToString("x12"), later.ToString("N")[..12]);
        Assert.True(string.CompareOrdinal(first.ToString("N"), later.ToString("N")) < 0);
    }
}
