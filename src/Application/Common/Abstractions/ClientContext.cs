namespace Akua.Application.Common.Abstractions;

/// <summary>Where a request came from, recorded on the sessions and device codes it creates.</summary>
/// <param name="DeviceCookie">
/// The device cookie a browser got when it last signed in (see <see cref="IDeviceCookies"/>): a secret, never
/// logged (this record's printed form leaves it out).
/// </param>
public sealed record ClientContext(string? UserAgent, string? IpAddress, string? DeviceCookie = null)
{
    public static readonly ClientContext Unknown = new(null, null);

    /// <summary>What per-address limits count against (<see cref="AddressKeys.Of(System.Net.IPAddress?)"/>).</summary>
    public string AddressKey => AddressKeys.Of(IpAddress);

    public override string ToString() => $"ClientContext {{ UserAgent = {UserAgent}, IpAddress = {IpAddress} }}";
}

/// <summary>
/// The key per-address limits use. An IPv6 client is usually given a whole /64 and can send from any address in
/// it, so its /64 is one key; an IPv4 address (also when written as IPv6) is its own.
/// </summary>
public static class AddressKeys
{
    public static string Of(string? address) =>
        address is not null && System.Net.IPAddress.TryParse(address, out var parsed) ? Of(parsed) : "unknown";

    public static string Of(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }
}
