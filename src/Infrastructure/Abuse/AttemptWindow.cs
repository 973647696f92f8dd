namespace Akua.Infrastructure.Abuse;

/// <summary>
/// Attempts counted for one key (a kind and an email, address or user) in the window that started at
/// <see cref="WindowStart"/>. In the shared database, so every node counts against the same limit. The key is
/// stored as a SHA-256 (of kind and key), so the table holds no emails or addresses.
/// </summary>
public sealed class AttemptWindow
{
    public byte[] KeyHash { get; set; } = [];

    public DateTimeOffset WindowStart { get; set; }

    public int Attempts { get; set; }
}
