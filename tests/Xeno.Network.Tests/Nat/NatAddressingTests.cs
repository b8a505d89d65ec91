using Xeno.Network.Nat;

namespace Xeno.Network.Tests.Nat;

public sealed class NatAddressingTests
{
    [Theory]
    [InlineData(5, 0, "10.0.5.1", "10.0.5.128")] // the example in Xen's vif-nat
    [InlineData(5, 1, "10.0.5.2", "10.0.5.129")]
    [InlineData(300, 0, "10.1.44.1", "10.1.44.128")]
    [InlineData(65535, 126, "10.255.255.127", "10.255.255.254")]
    public void DefaultAddressesFollowXensVifNat(int domid, int devid, string guest, string router)
    {
        var r = NatAddressing.For(domid, devid, null);
        Assert.Null(r.Error);
        Assert.Equal(guest, r.Value!.Guest.ToString());
        Assert.Equal(router, r.Value.Router.ToString());
        Assert.Equal(16, r.Value.PrefixLength);
        Assert.Equal("255.255.0.0", r.Value.Netmask.ToString());
    }

    [Fact]
    public void IpReplacesTheGuestAddressAndTheRouterFollows()
    {
        var r = NatAddressing.For(5, 0, "192.168.7.20");
        Assert.Equal("192.168.7.20", r.Value!.Guest.ToString());
        Assert.Equal("192.168.7.147", r.Value.Router.ToString());
        Assert.Equal("255.255.255.0", r.Value.Netmask.ToString());
    }

    [Fact]
    public void TheFirstIPv4AddressOfIpIsTheGuestsWithItsPrefix()
    {
        var r = NatAddressing.For(5, 0, "fd00::5 172.16.0.9/12 10.9.9.9");
        Assert.Equal("172.16.0.9", r.Value!.Guest.ToString());
        Assert.Equal("172.16.0.136", r.Value.Router.ToString());
        Assert.Equal(12, r.Value.PrefixLength);
    }

    [Theory]
    [InlineData(5, 127, null, "too large")]
    [InlineData(5, 0, "10.0.0.200", "last octet + 127")]
    [InlineData(5, 0, "fd00::1", "no IPv4 address")]
    [InlineData(5, 0, "10.0.0.1/31", "prefix of 1..30")]
    [InlineData(5, 0, "10.0.0.100/26", "outside")]
    [InlineData(5, 0, "10.0.0.x", "invalid address")]
    [InlineData(70000, 0, null, "outside 0..65535")]
    public void AddressesThatCannotWorkAreRefusedWithAReason(int domid, int devid, string? ip, string message)
    {
        var r = NatAddressing.For(domid, devid, ip);
        Assert.Null(r.Value);
        Assert.Contains(message, r.Error);
    }
}
