using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Store;
using Xeno.Network.Host;
using Xeno.Network.Planning;
using Xeno.Network.Scripts;

namespace Xeno.Engine.Network.Scripts;

/// <summary>
/// The host side of a vif whose <c>script=</c> is the admin's own (<see cref="VifMode.CustomScript"/>),
/// as on Xen: the backend interface appears as <c>vif&lt;domid&gt;.&lt;devid&gt;</c> (here a tap,
/// made the way netback's vif looks), the vif's xenstore nodes are written with
/// <c>hotplug-status</c> empty, then the script runs <c>online</c> (and <c>add type_if=tap</c> for an
/// emulated NIC) and does the rest, including the rename to <c>vifname=</c>. At teardown the
/// script runs <c>offline</c>/<c>remove</c> before the tap goes.
/// </summary>
internal sealed class CustomVifScripts(EnginePaths paths, EngineLog log, HostCommandRunner commands)
{
    public VifScriptHost Host => new(paths.XenstoreSocket, Path.Combine(paths.LogDir, "xen-hotplug.log"), VifScriptHost.XenDeadline, ReadNode);

    /// <summary>Brings the vif up; returns the commands that remove its tap. Leaves nothing behind when it fails.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<string>>> ConnectAsync(Domain d, VifPlan plan)
    {
        string initial = VifNaming.TapName(d.Domid, plan.Devid, null);
        if (Directory.Exists("/sys/class/net/" + initial) || Directory.Exists("/sys/class/net/" + plan.TapName))
            throw new EngineException(EngineErrorKind.Invalid,
                $"domain \"{d.Name}\": vif {plan.Devid}: Cannot create interface {(Directory.Exists("/sys/class/net/" + initial) ? initial : plan.TapName)}: an interface with that name already exists.");
        WriteNodes(d.Domid, d.Spec.Vifs.First(v => v.Devid == plan.Devid));
        try
        {
            foreach (var action in VifHostActions.Tap(plan with { TapName = initial }))
                await commands.CheckAsync(action.Command).ConfigureAwait(false);
            foreach (var call in VifScriptPlan.CallsFor(plan, d.Domid, VifScriptAction.Connect))
                await VifScriptRunner.RunAsync(Host, call, CancellationToken.None).ConfigureAwait(false);
            if (!Directory.Exists("/sys/class/net/" + plan.TapName))
                throw new VifScriptException([$"{plan.ScriptPath} did not rename {initial} to {plan.TapName} (vifname=), as Xen's scripts do"]);
        }
        catch (Exception e) when (e is VifScriptException or HostCommandException)
        {
            await RemoveTapAsync(initial).ConfigureAwait(false);
            await RemoveTapAsync(plan.TapName).ConfigureAwait(false);
            throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": vif {plan.Devid} ({plan.TapName}): {e.Message}", e);
        }
        log.Info($"Domain {d.Domid} ({d.Name}): vif {plan.Devid} {plan.TapName} up (script {plan.ScriptPath}, {plan.QemuModel}, {plan.Mac})");
        return [new CreateTap(plan.TapName).Undo!];
    }

    /// <summary>Runs the script's offline/remove calls for every scripted vif of the domain (or vif <paramref name="onlyDevid"/>); failures are logged (teardown never stops).</summary>
    public async Task DisconnectAsync(Domain d, int? onlyDevid = null)
    {
        foreach (var vif in d.Spec.Vifs)
        {
            if (onlyDevid is { } only && vif.Devid != only) continue;
            VifPlan plan;
            try
            {
                plan = VifPlanner.Plan(vif, d.Domid, d.Spec.Kind);
            }
            catch (VifPlanException)
            {
                continue;
            }
            if (plan.Mode != VifMode.CustomScript) continue;
            foreach (var call in VifScriptPlan.CallsFor(plan, d.Domid, VifScriptAction.Disconnect))
            {
                try
                {
                    await VifScriptRunner.RunAsync(Host, call, CancellationToken.None).ConfigureAwait(false);
                }
                catch (VifScriptException e)
                {
                    log.Info($"Domain {d.Domid} ({d.Name}): vif {plan.Devid}: {e.Message.Replace('\n', ' ')}");
                }
            }
        }
    }

    /// <summary>The nodes the script reads (bridge, ip, vifname, mtu, frontend), written before it runs, with hotplug-status empty as libxl leaves it.</summary>
    private void WriteNodes(int domid, Xeno.Config.Domain.DomainVif vif)
    {
        using var store = new XenstoreWriter(paths.XenstoreSocket);
        foreach (var (path, value) in VifStoreNodes.For(domid, vif))
            store.WriteValue(path, value);
        store.WriteValue($"{VifStoreNodes.BackendRoot(domid)}/{vif.Devid}/hotplug-status", "");
    }

    private string? ReadNode(string path)
    {
        try
        {
            using var store = new XenstoreWriter(paths.XenstoreSocket);
            return store.ReadValue(path);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    private async Task RemoveTapAsync(string name)
    {
        if (!Directory.Exists("/sys/class/net/" + name)) return;
        try
        {
            await commands.CheckAsync(new CreateTap(name).Undo!).ConfigureAwait(false);
        }
        catch (HostCommandException e)
        {
            log.Info($"removing {name} failed: {e.Message}");
        }
    }
}
