using Xeno.Engine.Network.Filtering;
using Xeno.Network.Nat;

namespace Xeno.Engine.Network.Nat;

/// <summary>
/// Brings a NAT vif's host end up and down as Xen's vif-nat does, plus what vif-nat left to
/// the admin: the router address (/32) on the vif, a host route to the guest, proxy ARP, the
/// guest's DHCP server, masquerading and the forward rules, and IPv4 forwarding on the host.
/// The vif's interface must exist (made by the vif's own set-up before QEMU starts).
/// </summary>
public static class NatVif
{
    public const string IpForwardSysctl = "/proc/sys/net/ipv4/ip_forward";

    public static void Up(NatVifPlan plan)
    {
        var a = plan.Addresses;
        try
        {
            Ip(["link", "set", "dev", plan.Tap, "up"]);
            Ip(["addr", "replace", a.Router + "/32", "dev", plan.Tap]);
            Ip(["route", "replace", a.Guest + "/32", "dev", plan.Tap, "src", a.Router.ToString()]);
            File.WriteAllText($"/proc/sys/net/ipv4/conf/{plan.Tap}/proxy_arp", "1");
            Nft.Apply(MasqueradeScript.Apply(plan));
            // As Xen's old network-nat: a NAT host routes. Left on at teardown: other vifs or the
            // admin's own set-up may rely on it (docs/network.md, Host effects).
            if (File.ReadAllText(IpForwardSysctl).Trim() != "1") File.WriteAllText(IpForwardSysctl, "1");
            DnsmasqServer.Start(plan);
        }
        catch
        {
            Down(plan);
            throw;
        }
    }

    /// <summary>Undoes <see cref="Up"/>; safe on a vif that is half up, already down or gone.</summary>
    public static void Down(NatVifPlan plan)
    {
        var errors = new List<string>();
        void Try(Action a)
        {
            try { a(); }
            catch (Exception e) when (e is NetworkPolicyException or IOException) { errors.Add(e.Message); }
        }
        Try(() => DnsmasqServer.Stop(plan.Dhcp));
        Try(() => Nft.Apply(MasqueradeScript.Remove(plan.Tap)));
        if (Directory.Exists($"/sys/class/net/{plan.Tap}"))
        {
            Try(() => IpQuiet(["route", "del", plan.Addresses.Guest + "/32", "dev", plan.Tap]));
            Try(() => IpQuiet(["addr", "del", plan.Addresses.Router + "/32", "dev", plan.Tap]));
        }
        if (errors.Count > 0) throw new NetworkPolicyException("vif-nat teardown of " + plan.Tap + ": " + string.Join("; ", errors));
    }

    /// <summary>Whether the vif's DHCP server and NAT table are both there (for re-adoption).</summary>
    public static bool IsUp(NatVifPlan plan) =>
        DnsmasqServer.RunningPid(plan.Dhcp) != null &&
        Nft.Tables().Contains("ip " + Xeno.Network.Filtering.NftNames.NatTable(plan.Tap));

    private static void Ip(string[] args) => PolicyCommand.Check("ip", args);

    /// <summary>For teardown: a route or address already gone with its interface is fine.</summary>
    private static void IpQuiet(string[] args)
    {
        var r = PolicyCommand.Run("ip", args);
        if (r.ExitCode != 0 && !r.Stderr.Contains("No such", StringComparison.Ordinal) &&
            !r.Stderr.Contains("Cannot assign", StringComparison.Ordinal) && !r.Stderr.Contains("not found", StringComparison.OrdinalIgnoreCase))
            throw new NetworkPolicyException($"ip {string.Join(' ', args)}: {r.Stderr.Trim()}");
    }
}
