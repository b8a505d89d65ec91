using System.Text;

namespace Xeno.Network.Nat;

/// <summary>
/// The dnsmasq configuration for one NAT vif: DHCP only (no DNS), answering only on that vif,
/// with one fixed lease for the guest's MAC (router option and host name as Xen's vif-nat
/// writes them for dhcpd; dnsmasq sends the name to clients that ask for it, and refuses to be
/// told to force option 12). dnsmasq forks into the background and writes its pid file, so it
/// outlives a xenod that is killed and is re-adopted from that file.
/// </summary>
public static class DnsmasqConfig
{
    /// <summary>Unprivileged account dnsmasq drops to after binding (Debian has it everywhere;
    /// the "dnsmasq" user exists only with the full dnsmasq package).</summary>
    public const string User = "nobody";
    public const string Group = "nogroup";

    public static string For(NatVifPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var a = plan.Addresses;
        var s = new StringBuilder();
        s.Append($"# Written by xenod: DHCP for domain {plan.Domid}'s NAT vif {plan.Tap} (removed with the domain).\n");
        s.Append($"interface={plan.Tap}\n");
        // One interface with bind-interfaces: dnsmasq binds its DHCP socket to that device, so
        // one dnsmasq per NAT vif coexists with the others and with the host's own DHCP server.
        s.Append("bind-interfaces\n");
        s.Append("port=0\n");
        s.Append("no-resolv\nno-hosts\n");
        s.Append($"user={User}\ngroup={Group}\n");
        s.Append($"pid-file={plan.Dhcp.PidFile}\n");
        s.Append($"dhcp-leasefile={plan.Dhcp.LeaseFile}\n");
        s.Append($"log-facility={plan.Dhcp.LogFile}\n");
        s.Append("log-dhcp\n");
        s.Append("dhcp-authoritative\n");
        // "static": addresses only from dhcp-host lines; the netmask makes the range match the
        // router address, which sits on the vif as a /32 (as vif-nat puts it there).
        s.Append($"dhcp-range={a.Guest},static,{a.Netmask},infinite\n");
        s.Append($"dhcp-host={plan.Mac},{a.Guest},{plan.HostName},infinite\n");
        s.Append($"dhcp-option=option:router,{a.Router}\n");
        return s.ToString();
    }
}
