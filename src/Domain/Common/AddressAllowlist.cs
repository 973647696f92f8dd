using System.Net;
using System.Net.Sockets;

namespace Akua.Domain.Common;

/// <summary>
/// The addresses a credential may be used from: IPv4 and IPv6 networks in CIDR notation (a bare address is one
/// host). Stored as its networks' canonical text, space-separated. An address outside every network, or no
/// address at all, is refused: fail closed.
/// </summary>
public sealed class AddressAllowlist
{
    public const int MaxNetworks = 32;

    /// <summary>The longest stored form: <see cref="MaxNetworks"/> IPv6 networks of 43 characters and their spaces.</summary>
    public const int MaxStoredLength = MaxNetworks * 44;

    private readonly IPNetwork[] _networks;

    private AddressAllowlist(IPNetwork[] networks)
    {
        _networks = networks;
        Stored = string.Join(' ', networks.Select(n => n.ToString()));
    }

    /// <summary>The canonical text of each network, as the API shows it.</summary>
    public IReadOnlyList<string> Networks => [.. _networks.Select(n => n.ToString())];

    /// <summary>How it is stored: <see cref="Networks"/>, space-separated.</summary>
    public string Stored { get; }

    /// <summary>
    /// Reads networks as a person writes them (<c>203.0.113.0/24</c>, <c>2001:db8::/32</c>, <c>198.51.100.7</c>);
    /// a mistake is a 422 that says what is wrong with which entry.
    /// </summary>
    public static AddressAllowlist Parse(IEnumerable<string> entries)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            var network = ParseOne(entry);
            if (!networks.Contains(network))
            {
                networks.Add(network);
            }
        }

        if (networks.Count is 0 or > MaxNetworks)
        {
            throw DomainException.Invalid($"allowed_ips lists 1 to {MaxNetworks} networks (omit it for any address).");
        }

        return new AddressAllowlist([.. networks]);
    }

    /// <summary>Whether <paramref name="text"/> is one network or address this class accepts; the reason when not.</summary>
    public static string? Problem(string? text)
    {
        try
        {
            ParseOne(text);
            return null;
        }
        catch (DomainException e)
        {
            return e.Message;
        }
    }

    private static IPNetwork ParseOne(string? text)
    {
        var entry = text?.Trim() ?? "";
        var shown = entry.Length > 50 ? entry[..50] : entry;
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? entry : entry[..slash];
        // IPAddress.TryParse also reads inet_aton's forms ("1", "0x7f.1", and "010.0.0.1" as octal 8.0.0.1): only
        // the dotted decimal quad, alone or as the tail of an IPv6 address, and IPv6's hex groups are accepted.
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%', StringComparison.Ordinal)
            || (addressText.Contains('.', StringComparison.Ordinal) && !IsDottedDecimal(addressText[(addressText.LastIndexOf(':') + 1)..]))
            || (address.AddressFamily == AddressFamily.InterNetwork && !IsDottedDecimal(addressText)))
        {
            throw DomainException.Invalid($"'{shown}' is not an IPv4 or IPv6 address or network (203.0.113.0/24, 2001:db8::/32).");
        }

        address = Normalize(address);
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(entry.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix)
            || prefix > bits))
        {
            throw DomainException.Invalid($"'{shown}' has no valid prefix length: 0 to {bits} after the '/'.");
        }

        var network = new IPNetwork(Masked(address, prefix), prefix);
        if (!network.BaseAddress.Equals(address))
        {
            // A typo as often as not: say what the network would be rather than guess.
            throw DomainException.Invalid($"'{shown}' has bits set beyond its /{prefix} prefix: did you mean {network}?");
        }

        return network;
    }

    /// <summary>Four decimal numbers of 0 to 255, without leading zeros (which inet_aton reads as octal).</summary>
    private static bool IsDottedDecimal(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0') && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);
    }

    /// <summary>Reads the stored form back (written by this class, so well-formed).</summary>
    public static AddressAllowlist ParseStored(string stored) =>
        new([.. stored.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => IPNetwork.Parse(n))]);

    /// <summary>Whether a request from <paramref name="address"/> may use the credential (an IPv4-mapped IPv6 address counts as IPv4).</summary>
    public bool Allows(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        address = Normalize(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether every address this list allows is allowed by <paramref name="other"/> as well.</summary>
    public bool IsWithin(AddressAllowlist other) =>
        _networks.All(mine => other._networks.Any(theirs =>
            theirs.BaseAddress.AddressFamily == mine.BaseAddress.AddressFamily && theirs.PrefixLength <= mine.PrefixLength && theirs.Contains(mine.BaseAddress)));

    public override string ToString() => Stored;

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
