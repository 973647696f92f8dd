using Akua.Application.Common.Paging;
using Akua.Domain.Common;

namespace Akua.Application.UnitTests;

public sealed class PageCursorTests
{
    [Fact]
    public void A_cursor_keeps_the_time_to_the_tick_so_rows_of_the_same_millisecond_are_not_skipped()
    {
        // PostgreSQL keeps microseconds: a cursor rounded to milliseconds lost the rows created in the rest of it.
        var at = new DateTimeOffset(2026, 11, 28, 4, 16, 27, TimeSpan.Zero).AddTicks(1_234_567);
        var cursor = new PageCursor(at, Guid.CreateVersion7());

        var decoded = PageCursor.Decode(cursor.Encode());

        Assert.Equal(at.UtcTicks, decoded.CreatedAt.UtcTicks);
        Assert.Equal(cursor.Id, decoded.Id);
    }

    [Fact]
    public void A_cursor_issued_in_milliseconds_before_is_still_read()
    {
        var id = Guid.CreateVersion7();
        var old = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.ASCII.GetBytes($"1.1764303387123.{id:N}"));

        var decoded = PageCursor.Decode(old);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764303387123), decoded.CreatedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("Mi45OTk5OTk5OTk5OTk5OTk5OTk5OS4w")] // "2.9999999999999999999.0": out of range and a bad id
    public void Anything_else_is_a_bad_request(string cursor)
    {
        var error = Assert.Throws<DomainException>(() => PageCursor.Decode(cursor));
        Assert.Equal(ErrorKind.BadRequest, error.Kind);
    }
}
