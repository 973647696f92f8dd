namespace Akua.Application.Common.Abstractions;

/// <summary>Where a request came from, recorded on the sessions and device codes it creates.</summary>
public sealed record ClientContext(string? UserAgent, string? IpAddress)
{
    public static readonly ClientContext Unknown = new(null, null);
}
