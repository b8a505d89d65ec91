using Xeno.Network.Planning;

namespace Xeno.Network.Scripts;

/// <summary>What a vif hotplug script is asked to do, as libxl asks it.</summary>
public enum VifScriptAction
{
    /// <summary>The NIC comes up: <c>online</c> (type_if=vif) or <c>add</c> (type_if=tap).</summary>
    Connect,
    /// <summary>The NIC goes away: <c>offline</c> (type_if=vif) or <c>remove</c> (type_if=tap).</summary>
    Disconnect,
}

/// <summary>
/// Which of Xen's two script calls a NIC gets: a PV vif's <c>type_if=vif</c> (the backend
/// interface <c>vif&lt;domid&gt;.&lt;devid&gt;</c>) or an HVM emulated NIC's <c>type_if=tap</c>
/// (QEMU's tap <c>vif&lt;domid&gt;.&lt;devid&gt;-emu</c>).
/// </summary>
public enum VifInterfaceType
{
    Vif,
    Tap,
}

/// <summary>One NIC as the script contract needs it.</summary>
/// <param name="ScriptPath">The script to run, resolved as libxl does (<see cref="VifScripts.Classify"/>).</param>
/// <param name="Domid">The guest's domid.</param>
/// <param name="Devid">The NIC's devid.</param>
/// <param name="InterfaceType">vif or tap: which of Xen's two calls this is.</param>
/// <param name="GatewayDev">gatewaydev= (the script's <c>netdev</c>), or null.</param>
/// <param name="BackendDomid">The backend domain (0: Xeno's backends all live in dom0).</param>
public sealed record VifScriptRequest(
    string ScriptPath, int Domid, int Devid, VifInterfaceType InterfaceType, string? GatewayDev, int BackendDomid = 0);

/// <summary>A script call decided: the argument vector (script first) and the environment to add.</summary>
public sealed record VifScriptCall(string ScriptPath, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Where the script reads its nodes and writes <c>hotplug-status</c>, relative to dom0's home (as Xen passes it).</summary>
    public required string XenbusPath { get; init; }

    /// <summary>The same path, absolute: <c>/local/domain/&lt;backend&gt;/backend/vif/&lt;domid&gt;/&lt;devid&gt;</c>.</summary>
    public required string AbsoluteXenbusPath { get; init; }
}

/// <summary>
/// Xen 4.17's hotplug call of a vif script (libxl_linux.c; tools/hotplug/Linux/vif-common.sh):
/// <c>&lt;script&gt; online|offline type_if=vif</c> for a PV vif, <c>&lt;script&gt; add|remove
/// type_if=tap</c> for an HVM emulated NIC, with the environment the scripts read.
/// </summary>
public static class VifScriptPlan
{
    public static VifScriptCall For(VifScriptRequest request, VifScriptAction action)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Domid < 0) throw new ArgumentOutOfRangeException(nameof(request), "domid must not be negative");
        if (request.Devid < 0) throw new ArgumentOutOfRangeException(nameof(request), "devid must not be negative");

        bool tap = request.InterfaceType == VifInterfaceType.Tap;
        string verb = (tap, action) switch
        {
            (false, VifScriptAction.Connect) => "online",
            (false, VifScriptAction.Disconnect) => "offline",
            (true, VifScriptAction.Connect) => "add",
            _ => "remove",
        };
        string xenbusPath = $"backend/vif/{request.Domid}/{request.Devid}";
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["script"] = request.ScriptPath,
            ["XENBUS_TYPE"] = "vif",
            ["XENBUS_PATH"] = xenbusPath,
            ["XENBUS_BASE_PATH"] = "backend",
            ["netdev"] = request.GatewayDev ?? "",
            ["vif"] = VifNaming.TapName(request.Domid, request.Devid, null),
        };
        // The tap call names QEMU's interface; the script finds its xenstore nodes from that name.
        if (tap) env["INTERFACE"] = EmulatedInterfaceName(request.Domid, request.Devid);
        return new VifScriptCall(request.ScriptPath, [request.ScriptPath, verb, "type_if=" + (tap ? "tap" : "vif")], env)
        {
            XenbusPath = xenbusPath,
            AbsoluteXenbusPath = $"/local/domain/{request.BackendDomid}/{xenbusPath}",
        };
    }

    /// <summary>
    /// The calls Xen makes for one planned NIC, in order: <c>type_if=vif</c> for every NIC, and for
    /// an emulated (ioemu) NIC also <c>type_if=tap</c> (after it on connect, before it on
    /// disconnect). Xeno's NIC is one host tap; the script finds it under Xen's default name
    /// (<c>vif</c>/<c>INTERFACE</c>), and renames it to <c>vifname=</c> itself as on Xen.
    /// </summary>
    public static IReadOnlyList<VifScriptCall> CallsFor(VifPlan plan, int domid, VifScriptAction action)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Mode != VifMode.CustomScript)
            throw new ArgumentException($"vif {plan.Devid} uses Xeno's built-in {plan.Mode} mode, not a script", nameof(plan));
        var vif = For(new VifScriptRequest(plan.ScriptPath, domid, plan.Devid, VifInterfaceType.Vif, plan.GatewayDev), action);
        if (!plan.Emulated) return [vif];
        var tap = For(new VifScriptRequest(plan.ScriptPath, domid, plan.Devid, VifInterfaceType.Tap, plan.GatewayDev), action);
        return action == VifScriptAction.Connect ? [vif, tap] : [tap, vif];
    }

    /// <summary>QEMU's tap of an HVM emulated NIC on Xen: <c>vif&lt;domid&gt;.&lt;devid&gt;-emu</c>.</summary>
    public static string EmulatedInterfaceName(int domid, int devid) => $"vif{domid}.{devid}-emu";
}
