using Xeno.Engine.Network.Filtering;
using Xeno.Network.Nat;

namespace Xeno.Engine.Network.Nat;

/// <summary>
/// Brings a NAT vif's host end up and down as Xen's vif-nat does, plus what vif-nat left to
/// the admin: the router address (/32) on the vif, a host route to the guest, proxy ARP, the
/// guest's DHCP server, masquerading and the forward rules, and IPv4 forwarding on the host.
/// The vif's interface must exist (made by the vif's own set-up before QEMU starts).
/// </summary>
internal static class NatVif
{
    public const string IpForwardSysctl = "/proc/sys/net/ipv4/ip_forward";

    public static async Task UpAsync(NatVifPlan plan)
    {
        var a = plan.Addresses;
        try
        {
            await IpAsync(["link", "set", "dev", plan.Tap, "up"]).ConfigureAwait(false);
            await IpAsync(["addr", "replace", a.Router + "/32", "dev", plan.Tap]).ConfigureAwait(false);
            await IpAsync(["route", "replace", a.Guest + "/32", "dev", plan.Tap, "src", a.Router.ToString()]).ConfigureAwait(false);
            File.WriteAllText($"/proc/sys/net/ipv4/conf/{plan.Tap}/proxy_arp", "1");
            await Nft.ApplyAsync(MasqueradeScript.Apply(plan)).ConfigureAwait(false);
            // As Xen's old network-nat: a NAT host routes. Left on at teardown: other vifs or the
            // admin's own set-up may rely on it (docs/network.md, Host effects).
            if (File.ReadAllText(IpForwardSysctl).Trim() != "1") File.WriteAllText(IpForwardSysctl, "1");
            await DnsmasqServer.StartAsync(plan).ConfigureAwait(false);
        }
        catch
        {
            await DownAsync(plan).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Undoes <see cref="UpAsync"/>; safe on a vif that is half up, already down or gone.</summary>
    public static async Task DownAsync(NatVifPlan plan)
    {
        var errors = new List<string>();
        async Task Try(Func<Task> a)
        {
            try { await a().ConfigureAwait(false); }
            catch (Exception e) when (e is HostCommandException or IOException) { errors.Add(e.Message); }
        }
        await Try(() => DnsmasqServer.StopAsync(plan.Dhcp)).ConfigureAwait(false);
        await Try(() => Nft.ApplyAsync(MasqueradeScript.Remove(plan.Tap))).ConfigureAwait(false);
        if (Directory.Exists($"/sys/class/net/{plan.Tap}"))
        {
            await Try(() => IpQuietAsync(["route", "del", plan.Addresses.Guest + "/32", "dev", plan.Tap])).ConfigureAwait(false);
            await Try(() => IpQuietAsync(["addr", "del", plan.Addresses.Router + "/32", "dev", plan.Tap])).ConfigureAwait(false);
        }
        if (errors.Count > 0) throw new HostCommandException("vif-nat teardown of " + plan.Tap + ": " + string.Join("; ", errors));
    }

    /// <summary>Whether the vif's DHCP server and NAT table are both there (for re-adoption).</summary>
    public static async Task<bool> IsUpAsync(NatVifPlan plan) =>
        DnsmasqServer.RunningPid(plan.Dhcp) != null &&
        (await Nft.TablesAsync().ConfigureAwait(false)).Contains("ip " + Xeno.Network.Filtering.NftNames.NatTable(plan.Tap));

    private static Task IpAsync(string[] args) => HostCommandRunner.Instance.CheckAsync(["ip", .. args]);

    /// <summary>For teardown: a route or address already gone with its interface is fine.</summary>
    private static async Task IpQuietAsync(string[] args)
    {
        string[] command = ["ip", .. args];
        var r = await HostCommandRunner.Instance.RunAsync(command).ConfigureAwait(false);
        if (r.ExitCode != 0 && !r.Stderr.Contains("No such", StringComparison.Ordinal) &&
            !r.Stderr.Contains("Cannot assign", StringComparison.Ordinal) && !r.Stderr.Contains("not found", StringComparison.OrdinalIgnoreCase))
            throw new HostCommandException(HostCommandRunner.Failed(command, r));
    }
}
