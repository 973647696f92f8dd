using System.Net;
using Akua.Domain.Common;

namespace Akua.Domain.UnitTests;

public sealed class AddressAllowlistTests
{
    [Theory]
    [InlineData("203.0.113.7", true)]
    [InlineData("203.0.113.255", true)]
    [InlineData("203.0.114.1", false)]
    [InlineData("::ffff:203.0.113.9", true)] // a dual-stack socket's view of an IPv4 client
    [InlineData("2001:db8::1", true)]
    [InlineData("2001:db8:ffff::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("198.51.100.7", true)]
    [InlineData("198.51.100.8", false)]
    [InlineData("::1", false)]
    [InlineData("127.0.0.1", false)]
    public void Allows_exactly_the_addresses_of_its_networks(string address, bool allowed)
    {
        var list = AddressAllowlist.Parse(["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]);
        Assert.Equal(allowed, list.Allows(IPAddress.Parse(address)));
    }

    [Fact]
    public void No_address_is_never_allowed()
    {
        Assert.False(AddressAllowlist.Parse(["0.0.0.0/0", "::/0"]).Allows(null));
    }

    [Fact]
    public void Networks_are_stored_canonically_once_and_read_back_the_same()
    {
        var list = AddressAllowlist.Parse([" 2001:DB8:0:0::/32 ", "198.51.100.7", "198.51.100.7/32", "::ffff:10.0.0.1"]);
        Assert.Equal(["2001:db8::/32", "198.51.100.7/32", "10.0.0.1/32"], list.Networks);
        Assert.Equal("2001:db8::/32 198.51.100.7/32 10.0.0.1/32", list.Stored);
        Assert.Equal(list.Networks, AddressAllowlist.ParseStored(list.Stored).Networks);
    }

    [Theory]
    [InlineData("203.0.113.5/24", "did you mean 203.0.113.0/24")]
    [InlineData("2001:db8::1/32", "did you mean 2001:db8::/32")]
    [InlineData("10.0.0.0/33", "0 to 32")]
    [InlineData("2001:db8::/129", "0 to 128")]
    [InlineData("10.0.0.0/", "0 to 32")]
    [InlineData("10.0.0.0/+8", "0 to 32")]
    [InlineData("banana", "not an IPv4 or IPv6")]
    [InlineData("1", "not an IPv4 or IPv6")] // IPAddress.Parse would read 0.0.0.1
    [InlineData("0x7f.1", "not an IPv4 or IPv6")]
    [InlineData("0x7f.0.0.1", "not an IPv4 or IPv6")] // hex, read as 127.0.0.1 by inet_aton
    [InlineData("010.0.0.1", "not an IPv4 or IPv6")] // octal: inet_aton reads 8.0.0.1, a person meant 10.0.0.1
    [InlineData("10.0.0.010", "not an IPv4 or IPv6")]
    [InlineData("10.0.0.256", "not an IPv4 or IPv6")]
    [InlineData("::ffff:010.0.0.1", "not an IPv4 or IPv6")]
    [InlineData("fe80::1%eth0", "not an IPv4 or IPv6")]
    [InlineData("", "not an IPv4 or IPv6")]
    public void A_mistake_is_named(string entry, string message)
    {
        var error = Assert.Throws<DomainException>(() => AddressAllowlist.Parse([entry]));
        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, AddressAllowlist.Problem(entry));
    }

    [Fact]
    public void A_list_has_one_to_thirty_two_networks_and_the_longest_fits_its_column()
    {
        Assert.Throws<DomainException>(() => AddressAllowlist.Parse([]));
        var longest = Enumerable.Range(0, AddressAllowlist.MaxNetworks).Select(i => $"ffff:ffff:ffff:ffff:ffff:ffff:ffff:{0xff00 + i:x4}/128").ToList();
        Assert.True(AddressAllowlist.Parse(longest).Stored.Length <= AddressAllowlist.MaxStoredLength);
        Assert.Throws<DomainException>(() => AddressAllowlist.Parse([.. longest, "10.0.0.1"]));
    }

    [Theory]
    [InlineData("203.0.113.128/25", true)]
    [InlineData("203.0.113.7", true)]
    [InlineData("203.0.113.0/24", true)]
    [InlineData("203.0.112.0/23", false)]
    [InlineData("198.51.100.0/24", false)]
    [InlineData("2001:db8:1::/48", true)]
    [InlineData("::ffff:203.0.113.0/120", false)] // its prefix is IPv6's, not IPv4's: refused at parse
    public void Within_means_every_address_of_one_is_in_the_other(string network, bool within)
    {
        var outer = AddressAllowlist.Parse(["203.0.113.0/24", "2001:db8::/32"]);
        if (AddressAllowlist.Problem(network) is not null)
        {
            Assert.False(within);
            return;
        }

        Assert.Equal(within, AddressAllowlist.Parse([network]).IsWithin(outer));
    }
}
