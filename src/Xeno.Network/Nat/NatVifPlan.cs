namespace Xeno.Network.Nat;

/// <summary>
/// What a vif in NAT mode (<c>script=vif-nat</c>) needs on the host, decided up front: the
/// addresses, the uplink to masquerade on (the vif's <c>gatewaydev=</c>, else xl.conf's
/// <c>vif.default.gatewaydev</c>; null = any interface but the guest's own) and the DHCP
/// server's files in the domain's run folder.
/// </summary>
public sealed record NatVifPlan(
    int Domid, int Devid, string Tap, string Mac, NatAddresses Addresses, string? Uplink, DhcpServerFiles Dhcp)
{
    public static (NatVifPlan? Plan, string? Error) For(
        int domid, int devid, string tap, string mac, string? ip, string? uplink, string domainRunDir)
    {
        var addresses = NatAddressing.For(domid, devid, ip);
        if (addresses.Error != null) return (null, addresses.Error);
        if (!Filtering.AntiSpoof.IsMac(mac)) return (null, $"vif-nat: invalid MAC address `{mac}'");
        try
        {
            _ = Filtering.NftNames.Quoted(tap);
            if (uplink != null) _ = Filtering.NftNames.Quoted(uplink);
        }
        catch (ArgumentException e) { return (null, "vif-nat: " + e.Message); }
        return (new NatVifPlan(domid, devid, tap, mac.ToLowerInvariant(), addresses.Value!, uplink,
            DhcpServerFiles.In(domainRunDir, devid)), null);
    }

    /// <summary>Xen's DHCP host name for the guest (vif-nat: dom&lt;domid&gt;, -&lt;vifid&gt; after the first vif).</summary>
    public string HostName => Devid == 0 ? $"dom{Domid}" : $"dom{Domid}-{Devid + 1}";
}

/// <summary>A per-vif dnsmasq's files, all in the owning domain's run folder.</summary>
public sealed record DhcpServerFiles(string Config, string PidFile, string LeaseFile, string LogFile)
{
    public static DhcpServerFiles In(string domainRunDir, int devid)
    {
        string b = Path.Combine(domainRunDir, "dhcp-vif" + devid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new DhcpServerFiles(b + ".conf", b + ".pid", b + ".leases", b + ".log");
    }
}
