using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Config.Specs;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;
using Xeno.Engine.Store;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Devices.Block;

/// <summary>
/// Virtual block devices of running domains: xl block-list, block-attach, block-detach,
/// cd-insert and cd-eject. A change runs through the domain's supervisor in phase DeviceChange;
/// it is checked on a copy of the domain's spec first, so a refused request changes nothing.
/// An attached disk becomes part of the spec (and so of the runtime record, xl list -l and the
/// QEMU of a restart); its vbd nodes are written as libxl writes them.
/// </summary>
internal sealed class BlockDevices(EngineContext context, DomainRegistry registry)
{
    /// <summary>How long xl block-detach waits for the guest to release the device (libxl's LIBXL_DESTROY_TIMEOUT).</summary>
    public TimeSpan DetachDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<BlockDeviceInfo> List(string idOrName)
    {
        var d = registry.Find(idOrName).Domain;
        return [.. d.Spec.Disks.OrderBy(x => x.Devid).Select(x => Info(d.Domid, x))];
    }

    internal static BlockDeviceInfo Info(int domid, DomainDisk disk) => new()
    {
        Devid = disk.Devid,
        Vdev = disk.Vdev,
        BackendId = 0,
        FrontendId = domid,
        State = 4,
        // QEMU serves the disk itself: no Xen ring, so no event channel or ring reference (libxl's -1).
        EventChannel = -1,
        RingRef = -1,
        BackendPath = DomainStoreNodes.BackendPath(domid, disk.Devid),
        Target = disk.Target,
        Format = disk.Format,
        ReadOnly = disk.ReadOnly || disk.IsCdrom,
        Cdrom = disk.IsCdrom,
    };

    public Task AttachAsync(string idOrName, BlockAttachRequest request, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.ChangeDevice, async token =>
        {
            var q = Running(d);
            var disk = BlockAttachCheck.Disk(d.Domid, request);
            var changed = BlockAttachCheck.Added(d.Domid, d.Spec, disk);
            HostFiles.CheckDisks(changed, Others(d));
            var format = BlockAttachCheck.QemuFormat(d.Domid, disk);
            await InDeviceChangeAsync(s, async () =>
            {
                await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("blockdev-add",
                    HotplugDisk.BlockdevAdd(disk.Devid, disk.Target!, format, disk.ReadOnly), t), token);
                try
                {
                    await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("device_add", HotplugDisk.DeviceAdd(disk.Devid), t), token);
                }
                catch (QmpCommandException)
                {
                    await DeleteNodeAsync(d, q, disk.Devid);
                    throw;
                }
            }, disk, "attach");
            d.Spec = changed;
            context.Records.Save(d);
            context.Publish(store => store.PutDisk(d.Domid, disk));
            context.Log.Info($"Domain {d.Domid} ({d.Name}): disk {disk.Vdev} ({disk.Devid}) attached: {disk.Target} {disk.Format} {(disk.ReadOnly ? "ro" : "rw")}");
            context.Emit(DomainEventKind.Device, d, e => e with { Device = $"vbd {disk.Vdev} attached" });
            return true;
        }, cancel);
    }

    public Task DetachAsync(string idOrName, BlockDetachRequest request, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.ChangeDevice, async token =>
        {
            var disk = Find(d.Spec, request.Device)
                ?? throw new EngineException(EngineErrorKind.NotFound, $"Error: Device {request.Device} not connected.");
            var q = Running(d);
            await InDeviceChangeAsync(s, async () =>
            {
                var id = HotplugDisk.DeviceId(disk.Devid);
                await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("device_del", new() { ["id"] = id }, t), token);
                if (!await GoneAsync(d, q, id, token))
                {
                    if (!request.Force)
                        throw new EngineException(EngineErrorKind.Failed,
                            $"libxl: error: Domain {d.Domid}:unable to remove device with path {DomainStoreNodes.BackendPath(d.Domid, disk.Devid)}" +
                            $" (the guest did not release {disk.Vdev} within {DetachDeadline.TotalSeconds:0} s; xl block-detach -f forces it)");
                    // Forced: the guest keeps a device it no longer gets answers from until it
                    // lets go; the disk leaves the domain's config now, as libxl's destroy does.
                    context.Log.Info($"Domain {d.Domid} ({d.Name}): {disk.Vdev} not released by the guest; removed by force");
                }
                await DeleteNodeAsync(d, q, disk.Devid);
            }, disk, "detach");
            d.Spec = d.Spec with { Disks = [.. d.Spec.Disks.Where(x => x.Devid != disk.Devid)] };
            context.Records.Save(d);
            context.Publish(store => store.RemoveDisk(d.Domid, disk.Devid));
            context.Log.Info($"Domain {d.Domid} ({d.Name}): disk {disk.Vdev} ({disk.Devid}) detached{(request.Force ? " (forced)" : "")}");
            context.Emit(DomainEventKind.Device, d, e => e with { Device = $"vbd {disk.Vdev} detached" });
            return true;
        }, cancel);
    }

    /// <summary>xl cd-insert (path non-null) and cd-eject (path null) on an HVM CD-ROM drive.</summary>
    public Task ChangeMediumAsync(string idOrName, string vdev, string? path, string format, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.ChangeDevice, async token =>
        {
            if (d.Spec.Kind != DomainKind.Hvm)
                throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {d.Domid}:cdrom-insert requires an HVM domain");
            var drive = d.Spec.Disks.FirstOrDefault(x => x.IsCdrom && x.Vdev == vdev)
                ?? throw new EngineException(EngineErrorKind.NotFound, $"libxl: error: Domain {d.Domid}:Virtual device not found");
            var q = Running(d);
            DomainDisk changed;
            if (path is null)
            {
                changed = drive with { Target = null, Format = "empty" };
            }
            else
            {
                changed = drive with { Target = path, Format = format };
                BlockAttachCheck.QemuFormat(d.Domid, changed);
            }
            await InDeviceChangeAsync(s, async () =>
            {
                if (path is null)
                    await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("eject", HotplugDisk.Eject(drive.Devid), t), token);
                else
                    await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("blockdev-change-medium",
                        HotplugDisk.ChangeMedium(drive.Devid, path, BlockAttachCheck.QemuFormat(d.Domid, changed)), t), token);
            }, drive, path is null ? "cd-eject" : "cd-insert");
            d.Spec = d.Spec with { Disks = [.. d.Spec.Disks.Select(x => x.Devid == drive.Devid ? changed : x)] };
            context.Records.Save(d);
            context.Publish(store => store.PutDisk(d.Domid, changed));
            context.Log.Info($"Domain {d.Domid} ({d.Name}): CD-ROM {vdev} {(path is null ? "ejected" : "now holds " + path)}");
            context.Emit(DomainEventKind.Device, d, e => e with { Device = $"vbd {vdev} {(path is null ? "ejected" : "inserted")}" });
            return true;
        }, cancel);
    }

    /// <summary>A disk by vdev name or device number, as libxl_vdev_to_device_disk finds it.</summary>
    internal static DomainDisk? Find(DomainSpec spec, string device)
    {
        int? devid = Vdev.ToDevid(device);
        return devid is { } n ? spec.Disks.FirstOrDefault(x => x.Devid == n) : null;
    }

    private static Qemu.Processes.QemuInstance Running(Domain d) =>
        d.Qemu ?? throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");

    private List<(int Domid, string Name, DomainSpec Spec)> Others(Domain d) =>
        [.. registry.All().Select(o => o.Domain).Where(o => o.Domid != d.Domid && o.Qemu is not null).Select(o => (o.Domid, o.Name, o.Spec))];

    /// <summary>Runs a QMP change in phase DeviceChange; QEMU's refusal becomes the request's error.</summary>
    private async Task InDeviceChangeAsync(DomainSupervisor s, Func<Task> change, DomainDisk disk, string what)
    {
        s.MoveTo(DomainPhase.DeviceChange);
        try
        {
            await change();
        }
        catch (QmpCommandException e)
        {
            throw new EngineException(EngineErrorKind.Failed, $"libxl: error: Domain {s.Domain.Domid}:{what} of {disk.Vdev} failed: QEMU: {e.Description}", e);
        }
        finally
        {
            if (s.Domain.Phase == DomainPhase.DeviceChange)
                s.MoveTo(DomainPhase.Running);
        }
    }

    /// <summary>Waits for QEMU to drop the device (the guest released it), polling its peripherals until the deadline.</summary>
    private async Task<bool> GoneAsync(Domain d, Qemu.Processes.QemuInstance q, string id, CancellationToken token)
    {
        var deadline = context.Time.GetUtcNow() + DetachDeadline;
        while (true)
        {
            var list = await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("qom-list", new() { ["path"] = "/machine/peripheral" }, t), token);
            if (!list.EnumerateArray().Any(p => p.TryGetProperty("name", out var n) && n.GetString() == id))
                return true;
            if (context.Time.GetUtcNow() >= deadline)
                return false;
            await Task.Delay(TimeSpan.FromMilliseconds(100), context.Time, token);
        }
    }

    /// <summary>
    /// Drops the block node of a hot-plugged disk (a disk from QEMU's command line went with its
    /// device, so QEMU answers that there is no such node: nothing is left to drop).
    /// </summary>
    private static async Task DeleteNodeAsync(Domain d, Qemu.Processes.QemuInstance q, int devid)
    {
        try
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("blockdev-del", new() { ["node-name"] = HotplugDisk.DriveId(devid) }, t), CancellationToken.None);
        }
        catch (QmpCommandException)
        {
        }
    }
}
