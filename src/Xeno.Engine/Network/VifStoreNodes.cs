using System.Globalization;
using Xeno.Config.Domain;
using Xeno.Network.Planning;

namespace Xeno.Engine.Network;

/// <summary>
/// The xenstore nodes libxl writes for a vif (libxl_nic.c): the dom0 backend, the guest's
/// frontend, and libxl's own copy. States are 4 (Connected) and hotplug-status "connected":
/// xenod publishes a domain once its taps are up and QEMU runs, the state Xen reaches after
/// the hotplug script and netfront/netback's handshake. Pure.
/// </summary>
public static class VifStoreNodes
{
    public static string BackendRoot(int domid) => Invariant($"/local/domain/0/backend/vif/{domid}");

    /// <summary>The three directories of one vif: frontend, backend, libxl's copy (xl network-detach removes them).</summary>
    public static IReadOnlyList<string> Directories(int domid, int devid) =>
    [
        Invariant($"/local/domain/{domid}/device/vif/{devid}"),
        Invariant($"{BackendRoot(domid)}/{devid}"),
        Invariant($"/libxl/{domid}/device/vif/{devid}"),
    ];

    public static IReadOnlyList<(string Path, string Value)> For(int domid, DomainVif vif)
    {
        ArgumentNullException.ThrowIfNull(vif);
        string front = Invariant($"/local/domain/{domid}/device/vif/{vif.Devid}");
        string back = Invariant($"{BackendRoot(domid)}/{vif.Devid}");
        string libxl = Invariant($"/libxl/{domid}/device/vif/{vif.Devid}");
        string handle = Invariant($"{vif.Devid}");
        int mtu = vif.Mtu ?? 1500;

        var backend = new List<(string Key, string Value)>
        {
            ("frontend-id", Invariant($"{domid}")),
            ("online", "1"),
            ("state", "4"),
            ("frontend", front),
            ("script", VifScripts.Classify(vif.Script).Path),
        };
        if (!string.IsNullOrEmpty(vif.VifName)) backend.Add(("vifname", vif.VifName));
        if (!string.IsNullOrEmpty(vif.Ip)) backend.Add(("ip", vif.Ip));
        if (!string.IsNullOrEmpty(vif.GatewayDev)) backend.Add(("gatewaydev", vif.GatewayDev));
        if (vif.RateBytesPerInterval is { } bytes && vif.RateIntervalUsecs is { } usecs)
            backend.Add(("rate", Invariant($"{bytes},{usecs}")));
        if (mtu != 1500) backend.Add(("mtu", Invariant($"{mtu}")));
        backend.Add(("mac", vif.Mac));
        backend.Add(("bridge", vif.Bridge));
        backend.Add(("handle", handle));
        backend.Add(("type", vif.Type == "ioemu" ? "vif_ioemu" : "vif"));
        backend.Add(("hotplug-status", "connected"));

        var nodes = new List<(string, string)>();
        nodes.AddRange(backend.Select(kv => (back + "/" + kv.Key, kv.Value)));
        nodes.Add((front + "/backend", back));
        nodes.Add((front + "/backend-id", "0"));
        nodes.Add((front + "/state", "4"));
        nodes.Add((front + "/handle", handle));
        nodes.Add((front + "/mac", vif.Mac));
        nodes.Add((front + "/trusted", "1"));
        nodes.Add((front + "/mtu", Invariant($"{mtu}")));
        nodes.Add((libxl + "/frontend", front));
        nodes.Add((libxl + "/backend", back));
        nodes.AddRange(backend.Where(kv => kv.Key is not ("state" or "hotplug-status" or "frontend")).Select(kv => (libxl + "/" + kv.Key, kv.Value)));
        return nodes;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
