namespace Akua.Domain.Common;

/// <summary>
/// UUIDv7 ids that strictly increase within this process (RFC 9562 section 6.2, method 1: a counter in the
/// random bits). Lists are newest first by (created_at, id); SQLite keeps created_at to the millisecond, so two
/// rows made in one millisecond are ordered by id, and plain random bits put them in random order. Within a
/// millisecond (or if the clock steps back) the next id is the last one plus one.
/// </summary>
public static class MonotonicUuid
{
    private static readonly Lock Gate = new();
    private static long _lastMilliseconds = long.MinValue;
    private static readonly byte[] Last = new byte[16];

    public static Guid NewVersion7(DateTimeOffset at)
    {
        var milliseconds = at.ToUnixTimeMilliseconds();
        lock (Gate)
        {
            if (milliseconds > _lastMilliseconds)
            {
                _lastMilliseconds = milliseconds;
                Guid.CreateVersion7(at).TryWriteBytes(Last, bigEndian: true, out _);
            }
            else
            {
                Increment();
            }

            return new Guid(Last, bigEndian: true);
        }
    }

    // Adds one to the 74 random bits (rand_a: 12 bits in bytes 6-7, rand_b: 62 bits in bytes 8-15), skipping
    // the version and variant bits; past the top it moves to the next millisecond.
    private static void Increment()
    {
        for (var i = 15; i >= 9; i--)
        {
            if (++Last[i] != 0)
            {
                return;
            }
        }

        if ((Last[8] & 0x3F) != 0x3F)
        {
            Last[8]++;
            return;
        }

        Last[8] = 0x80;
        if (++Last[7] != 0)
        {
            return;
        }

        if ((Last[6] & 0x0F) != 0x0F)
        {
            Last[6]++;
            return;
        }

        Last[6] = 0x70;
        _lastMilliseconds++;
        for (var i = 5; i >= 0; i--)
        {
            Last[i] = (byte)(_lastMilliseconds >> (8 * (5 - i)));
        }
    }
}
