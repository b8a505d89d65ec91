using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xeno.Network.Filtering;

namespace Xeno.Network.Nat;

/// <summary>A NAT vif's addresses: the guest's (handed out by DHCP), and the router's (on the
/// host end of the vif, the guest's default gateway), both inside one subnet.</summary>
public sealed record NatAddresses(IPAddress Guest, IPAddress Router, int PrefixLength)
{
    /// <summary>The subnet mask the guest gets by DHCP, e.g. 255.255.0.0.</summary>
    public IPAddress Netmask
    {
        get
        {
            uint mask = PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);
            return new IPAddress(BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(mask) : mask);
        }
    }
}

/// <summary>
/// Xen's vif-nat addressing: the guest is <c>10.&lt;domid/256&gt;.&lt;domid%256&gt;.&lt;devid+1&gt;</c>
/// in a /16 and the router the same address with the last octet + 127 (domid 5 handle 0: guest
/// 10.0.5.1, router 10.0.5.128). An <c>ip=</c> replaces the guest address (its first IPv4
/// address, with its own /prefix or a /24), and the router follows it by the same rule.
/// </summary>
public static class NatAddressing
{
    public const int DefaultPrefixLength = 16;
    /// <summary>Prefix of an <c>ip=</c> address written without one.</summary>
    public const int IpOverridePrefixLength = 24;
    private const int RouterOffset = 127;

    public static NatResult For(int domid, int devid, string? ip)
    {
        if (domid is < 0 or > 65535) return NatResult.Failure($"vif-nat: domain id {domid} is outside 0..65535");
        if (devid < 0) return NatResult.Failure($"vif-nat: invalid vif handle {devid}");

        IPAddress guest;
        int prefix;
        if (string.IsNullOrWhiteSpace(ip))
        {
            int vifid = devid + 1;
            if (vifid + RouterOffset > 254)
                return NatResult.Failure($"vif-nat: vif handle {devid} is too large for Xen's NAT addressing (the router would be 10.{domid / 256}.{domid % 256}.{vifid + RouterOffset}); give the vif an ip=");
            guest = new IPAddress(new byte[] { 10, (byte)(domid / 256), (byte)(domid % 256), (byte)vifid });
            prefix = DefaultPrefixLength;
        }
        else
        {
            var parsed = FirstIPv4(ip);
            if (parsed.Error != null) return NatResult.Failure(parsed.Error);
            (guest, prefix) = (parsed.Address!, parsed.Prefix);
        }

        byte[] g = guest.GetAddressBytes();
        if (g[3] + RouterOffset > 254)
            return NatResult.Failure($"vif-nat: cannot derive a router address from {guest}: its last octet + 127 is above 254");
        var router = new IPAddress(new byte[] { g[0], g[1], g[2], (byte)(g[3] + RouterOffset) });
        if (!SameSubnet(guest, router, prefix))
            return NatResult.Failure($"vif-nat: the router address {router} is outside {guest}/{prefix.ToString(CultureInfo.InvariantCulture)}");
        return NatResult.Success(new NatAddresses(guest, router, prefix));
    }

    private static (IPAddress? Address, int Prefix, string? Error) FirstIPv4(string ip)
    {
        foreach (var token in ip.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var addr = PolicyAddressList.ParseOne(token);
            if (addr.Error != null) return (null, 0, addr.Error);
            if (addr.Address!.AddressFamily != AddressFamily.InterNetwork) continue;
            int prefix = addr.PrefixLength ?? IpOverridePrefixLength;
            if (prefix is < 1 or > 30) return (null, 0, $"vif-nat: ip={token}: a NAT guest needs a prefix of 1..30 to share a subnet with its router");
            return (addr.Address, prefix, null);
        }
        return (null, 0, $"vif-nat: ip=\"{ip}\" has no IPv4 address for the guest");
    }

    private static bool SameSubnet(IPAddress a, IPAddress b, int prefix)
    {
        uint x = ToUInt(a), y = ToUInt(b);
        uint mask = uint.MaxValue << (32 - prefix);
        return (x & mask) == (y & mask);
    }

    internal static uint ToUInt(IPAddress a)
    {
        byte[] b = a.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }
}

/// <summary>The addresses, or the message naming what is wrong.</summary>
public sealed record NatResult(NatAddresses? Value, string? Error)
{
    public static NatResult Success(NatAddresses v) => new(v, null);
    public static NatResult Failure(string e) => new(null, e);
}
