using Akua.Domain.Common;

namespace Akua.Domain.UnitTests;

public sealed class EntityIdTests
{
    [Fact]
    public void New_ids_carry_their_prefix_and_32_lowercase_hex()
    {
        var id = EntityId.New<ApiTokenId>(TestClock.New()).ToString();

        Assert.Matches("^tok_[0-9a-f]{32}$", id);
    }

    [Fact]
    public void Ids_made_later_sort_after_ids_made_earlier()
    {
        var clock = TestClock.New();
        var first = EntityId.New<UserId>(clock).ToString();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = EntityId.New<UserId>(clock).ToString();

        Assert.True(string.CompareOrdinal(first, second) < 0);
    }

    [Fact]
    public void Wire_form_round_trips()
    {
        var id = EntityId.New<WorkspaceId>(TestClock.New());

        Assert.True(EntityId.TryParse<WorkspaceId>(id.ToString(), out var parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ws_")]
    [InlineData("usr_0190f0a1b2c3d4e5f60718293a4b5c6d")] // another type's prefix
    [InlineData("ws_0190F0A1B2C3D4E5F60718293A4B5C6D")] // upper case
    [InlineData("ws_0190f0a1b2c3d4e5f60718293a4b5c6")] // too short
    [InlineData("ws_0190f0a1b2c3d4e5f60718293a4b5c6dd")] // too long
    [InlineData("ws_0190f0a1-2c3d-4e5f-6071-8293a4b5c6")] // dashed
    [InlineData("ws_0190f0a1b2c3d4e5f60718293a4b5c6g")] // not hex
    public void Anything_but_the_exact_shape_is_not_an_id(string? text)
    {
        Assert.False(EntityId.TryParse<WorkspaceId>(text, out _));
    }
}
