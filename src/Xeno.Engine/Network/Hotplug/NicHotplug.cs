using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;
using Xeno.Network.Planning;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Network.Hotplug;

/// <summary>
/// xl network-attach and network-detach on a running domain, through its supervisor
/// (operation ChangeDevice, phase DeviceChange), as Devices/Block does for disks.
/// Attach makes the vif's host side exactly as create does (<see cref="VifNetwork"/>: tap,
/// bridge or routes, NAT, filter and rate), hot-plugs QEMU's NIC over QMP, then records the
/// vif in the domain's spec and host effects (the runtime record: a restarted xenod re-adopts
/// it, destroy removes it) and writes its xenstore nodes. Detach asks the guest to release
/// the NIC (device_del, then QEMU's DEVICE_DELETED) and undoes all of that.
/// </summary>
internal sealed class NicHotplug(EngineContext context, DomainRegistry registry)
{
    /// <summary>How long network-detach waits for the guest to release the NIC (libxl's LIBXL_DESTROY_TIMEOUT).</summary>
    public TimeSpan DetachDeadline { get; init; } = TimeSpan.FromSeconds(10);

    private VifNetwork Network() =>
        new(context.Log, HostCommandRunner.Instance,
            new Scripts.CustomVifScripts(context.Paths, context.Log, HostCommandRunner.Instance),
            new Nat.NatVifs(context.Paths, context.Log));

    public Task AttachAsync(string idOrName, NicAttachRequest request, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.ChangeDevice, async token =>
        {
            var q = Running(d);
            var vif = NicAttachCheck.Vif(d.Domid, d.Spec, request, Random.Shared);
            var original = d.Spec;
            var changed = original with { Vifs = [.. original.Vifs, vif] };
            // Planned with the domain's other vifs: a devid or tap name in use is refused here.
            var plan = VifNetwork.Plans(changed, d.Domid).Single(p => p.Devid == vif.Devid);
            var nic = new NicSpec(plan.Devid, plan.TapName, plan.Mac, plan.QemuModel);
            var network = Network();
            s.MoveTo(DomainPhase.DeviceChange);
            try
            {
                // The script and NAT parts read the vif from the domain's spec.
                d.Spec = changed;
                HostNetworkEffects effects;
                try
                {
                    effects = await network.SetUpAsync(d, [plan]);
                }
                catch
                {
                    d.Spec = original;
                    throw;
                }
                try
                {
                    await PlugAsync(d, q, nic, token);
                }
                catch
                {
                    await network.TearDownAsync(d, effects, plan.Devid);
                    d.Spec = original;
                    throw;
                }
                d.Network = VifEffectsSplit.Join(d.Network, effects);
            }
            finally
            {
                if (d.Phase == DomainPhase.DeviceChange)
                    s.MoveTo(DomainPhase.Running);
            }
            context.Records.Save(d);
            context.Publish(store => store.PutVif(d.Domid, vif));
            context.Log.Info($"Domain {d.Domid} ({d.Name}): vif {vif.Devid} ({plan.TapName}, {plan.QemuModel}, {vif.Mac}) attached");
            context.Emit(DomainEventKind.Device, d, e => e with { Device = $"vif {vif.Devid} attached" });
            return true;
        }, cancel);
    }

    public Task DetachAsync(string idOrName, NicDetachRequest request, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.ChangeDevice, async token =>
        {
            var vif = d.Spec.Vifs.FirstOrDefault(v => v.Devid == request.Devid)
                ?? throw new EngineException(EngineErrorKind.NotFound, $"Unknown device {request.Devid}.");
            var q = Running(d);
            var plan = VifPlanner.Plan(vif, d.Domid, d.Spec.Kind);
            s.MoveTo(DomainPhase.DeviceChange);
            try
            {
                await UnplugAsync(d, q, vif.Devid, token);
                var (owned, rest) = VifEffectsSplit.Split(d.Network, plan.TapName);
                // Torn down while the vif is still in the spec: its script and NAT parts read it there.
                await Network().TearDownAsync(d, owned, plan.Devid);
                d.Network = rest;
                d.Spec = d.Spec with { Vifs = [.. d.Spec.Vifs.Where(v => v.Devid != vif.Devid)] };
            }
            finally
            {
                if (d.Phase == DomainPhase.DeviceChange)
                    s.MoveTo(DomainPhase.Running);
            }
            context.Records.Save(d);
            context.Publish(store => store.RemoveVif(d.Domid, vif.Devid));
            context.Log.Info($"Domain {d.Domid} ({d.Name}): vif {vif.Devid} ({plan.TapName}, {vif.Mac}) detached");
            context.Emit(DomainEventKind.Device, d, e => e with { Device = $"vif {vif.Devid} detached" });
            return true;
        }, cancel);
    }

    /// <summary>netdev_add then device_add; when device_add is refused the netdev goes again.</summary>
    private async Task PlugAsync(Domain d, Qemu.Processes.QemuInstance q, NicSpec nic, CancellationToken token)
    {
        try
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("netdev_add", HotplugNic.NetdevAdd(nic), t), token);
            try
            {
                await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("device_add", HotplugNic.DeviceAdd(nic), t), token);
            }
            catch (QmpCommandException)
            {
                await DeleteNetdevAsync(d, q, nic.Devid);
                throw;
            }
        }
        catch (QmpCommandException e)
        {
            throw new EngineException(EngineErrorKind.Failed, $"libxl: error: Domain {d.Domid}:attaching vif {nic.Devid} ({nic.TapName}) failed: QEMU: {e.Description}", e);
        }
    }

    /// <summary>device_del, QEMU's DEVICE_DELETED once the guest released the NIC (or a timeout error), then netdev_del.</summary>
    private async Task UnplugAsync(Domain d, Qemu.Processes.QemuInstance q, int devid, CancellationToken token)
    {
        string id = HotplugNic.DeviceId(devid);
        using var deleted = d.DeviceEvents.Expect(ev => ev.Name == "DEVICE_DELETED" && HotplugNic.IsDeletedDevice(ev.Data, id));
        bool gone = false;
        try
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("device_del", new() { ["id"] = id }, t), token);
        }
        catch (QmpCommandException e) when (e.ErrorClass == "DeviceNotFound")
        {
            // An earlier detach timed out and the guest has let go since: only the rest is left to undo.
            gone = true;
        }
        catch (QmpCommandException e) when (e.Description.Contains("in the process of unplug", StringComparison.Ordinal))
        {
            // An earlier detach's request is still pending with the guest: wait for it again.
        }
        catch (QmpCommandException e)
        {
            throw new EngineException(EngineErrorKind.Failed, $"libxl: error: Domain {d.Domid}:detaching vif {devid} failed: QEMU: {e.Description}", e);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        var delay = Task.Delay(DetachDeadline, context.Time, timeout.Token);
        if (!gone && await Task.WhenAny(deleted.Happened, delay) != deleted.Happened)
        {
            throw new EngineException(EngineErrorKind.Failed,
                $"libxl: error: Domain {d.Domid}:unable to remove device with path {VifStoreNodes.BackendRoot(d.Domid)}/{devid}" +
                $" (the guest did not release vif {devid} within {DetachDeadline.TotalSeconds:0} s; it stays attached," +
                " and QEMU removes it when the guest lets go)");
        }
        await timeout.CancelAsync();
        await DeleteNetdevAsync(d, q, devid);
    }

    /// <summary>Drops the NIC's netdev (its tap closes); one QEMU no longer has is nothing to drop.</summary>
    private static async Task DeleteNetdevAsync(Domain d, Qemu.Processes.QemuInstance q, int devid)
    {
        try
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("netdev_del", new() { ["id"] = HotplugNic.NetdevId(devid) }, t), CancellationToken.None);
        }
        catch (QmpCommandException)
        {
        }
    }

    private static Qemu.Processes.QemuInstance Running(Domain d) =>
        d.Qemu ?? throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
}
