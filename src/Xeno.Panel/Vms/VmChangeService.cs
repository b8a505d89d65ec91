using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;

namespace Xeno.Panel.Vms;

/// <summary>
/// The info page's changes to a VM: the PV/HVM switch (with the disk conversion of xl
/// guest-convert, through xenod), memory and vCPUs within the owner's quota, extra disks,
/// and CD insert/eject. Settings take effect at the next boot; memory and vCPUs are also
/// applied to a running VM where xenod can. Each action writes one audit entry. Callers have
/// already checked access to the VM.
/// </summary>
public sealed class VmChangeService(VmSettingsRecords settings, VmRecords vms, VmDiskRecords extraDisks, Quotas quotas,
    DiskStore disks, CdImages images, XenodClients xenod, AuditLog audit, PanelOptions options)
{
    // Quota check and update in one step, as for creates.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The VM's domain in xenod, or null when it is not running; an unreachable xenod is an error.</summary>
    public async Task<(DomainInfo? Domain, string? Error)> DomainAsync(PanelVm vm, CancellationToken cancel)
    {
        try
        {
            return (await xenod.For(vm.HostId).GetDomainAsync(vm.Name, cancel), null);
        }
        catch (XenodException e) when (e.Kind == ApiErrorKind.NotFound)
        {
            return (null, null);
        }
        catch (XenodException e)
        {
            return (null, e.Message);
        }
    }

    public async Task<VmOutcome> SwitchTypeAsync(PanelUser user, PanelVm vm, string? type, string? kernel, string? convert, string? remote, CancellationToken cancel)
    {
        const string action = "vm.type";
        var (change, error) = VmSettingsForm.ParseType(type, kernel, convert, options.Kernels);
        if (change is null)
            return Refuse(user, action, vm, remote, error!);
        string converted = "";
        if (change.Convert)
        {
            var (domain, xenodError) = await DomainAsync(vm, cancel);
            if (xenodError is not null)
                return Refuse(user, action, vm, remote, $"xenod: {xenodError}");
            if (domain is not null)
                return Refuse(user, action, vm, remote, $"Conversion: {vm.Name} is running; shut it down first.");
            // Only the disk the panel made itself, in its own storage folder.
            if (vm.DiskPath != disks.PathFor(vm.Name))
                return Refuse(user, action, vm, remote, "Conversion: the panel converts only disks it created itself.");
            try
            {
                var result = await xenod.For(vm.HostId).ConvertGuestAsync(new GuestConvertRequest
                {
                    Disk = vm.DiskPath,
                    Type = VmRecords.TypeText(change.Type),
                }, cancel: cancel); // xenod's helper guest does it: the request waits for its end
                converted = result.Changes == 0
                    ? $" The disk's {result.Distribution} was already prepared for {VmRecords.TypeText(change.Type)}."
                    : $" Converted the disk's {result.Distribution}: {result.Changes} changes (backup in {result.Backup} on the disk).";
            }
            catch (XenodException e)
            {
                return Refuse(user, action, vm, remote, $"Conversion: {e.Message} The type was not changed.");
            }
        }
        settings.SetType(vm.Id, change.Type, change.Kernel?.Name);
        var kernelText = change.Type == VmType.Hvm ? "" : change.Kernel is null ? " with the guest's own kernel (pygrub)" : $" with kernel {change.Kernel.Name}";
        var message = $"{vm.Name} boots as {VmRecords.TypeText(change.Type)}{kernelText} from its next power-on.{converted}";
        audit.Write(user.Name, action, vm.Name, remote, "ok", message);
        return new VmOutcome(true, message, vm);
    }

    public async Task<VmOutcome> ResizeAsync(PanelUser user, PanelVm vm, string? memory, string? vcpus, string? remote, CancellationToken cancel)
    {
        const string action = "vm.resources";
        var (memoryMib, count, error) = VmSettingsForm.ParseResources(memory, vcpus);
        if (error is not null)
            return Refuse(user, action, vm, remote, error);
        await _gate.WaitAsync(cancel);
        try
        {
            if (!user.IsAdmin)
            {
                var refusals = QuotaCheck.GrowthRefusals(quotas.For(vm.OwnerId, options.DefaultQuota), vms.UsageOf(vm.OwnerId),
                    memoryMib - vm.MemoryMib, count - vm.Vcpus, 0);
                if (refusals.Count > 0)
                    return Refuse(user, action, vm, remote, string.Join(" ", refusals));
            }
            settings.SetResources(vm.Id, memoryMib, count);
        }
        finally
        {
            _gate.Release();
        }
        var message = $"{vm.Name} has {memoryMib} MiB and {count} vCPUs from its next power-on.";
        var (domain, _) = await DomainAsync(vm, cancel);
        if (domain is not null)
            message += await ApplyRunningAsync(vm, domain, memoryMib, count, cancel);
        audit.Write(user.Name, action, vm.Name, remote, "ok", message);
        return new VmOutcome(true, message, vm);
    }

    /// <summary>xl mem-set and xl vcpu-set on the running domain, within what it was started with.</summary>
    private async Task<string> ApplyRunningAsync(PanelVm vm, DomainInfo domain, int memoryMib, int count, CancellationToken cancel)
    {
        var client = xenod.For(vm.HostId);
        var notes = new List<string>();
        if (memoryMib != domain.MemoryMib)
        {
            if ((long)memoryMib * 1024 > domain.MaxmemKb)
                notes.Add($"The running guest keeps {domain.MemoryMib} MiB: it was started with at most {domain.MaxmemKb / 1024} MiB.");
            else
            {
                try
                {
                    await client.SetMemoryTargetAsync(vm.Name, (long)memoryMib * 1024, cancel);
                    notes.Add($"The running guest's memory target is now {memoryMib} MiB.");
                }
                catch (XenodException e)
                {
                    notes.Add($"The running guest's memory was not changed: {e.Message}");
                }
            }
        }
        if (count != domain.Vcpus)
        {
            if (count > domain.Maxvcpus)
                notes.Add($"The running guest keeps {domain.Vcpus} vCPUs: it was started with at most {domain.Maxvcpus}.");
            else
            {
                try
                {
                    await client.SetVcpusAsync(vm.Name, count, cancel);
                    notes.Add($"The running guest now has {count} vCPUs online.");
                }
                catch (XenodException e)
                {
                    notes.Add($"The running guest's vCPUs were not changed: {e.Message}");
                }
            }
        }
        return notes.Count == 0 ? "" : " " + string.Join(" ", notes);
    }

    public async Task<VmOutcome> AddDiskAsync(PanelUser user, PanelVm vm, string? size, string? remote, CancellationToken cancel)
    {
        const string action = "vm.disk-add";
        var (sizeGib, error) = VmSettingsForm.ParseDiskSize(size);
        if (error is not null)
            return Refuse(user, action, vm, remote, error);
        await _gate.WaitAsync(cancel);
        try
        {
            var existing = extraDisks.Of(vm.Id);
            if (existing.Count >= VmSettingsForm.MaxExtraDisks)
                return Refuse(user, action, vm, remote, $"Disks: a VM may have at most {VmSettingsForm.MaxExtraDisks} extra disks.");
            if (!user.IsAdmin)
            {
                var refusals = QuotaCheck.GrowthRefusals(quotas.For(vm.OwnerId, options.DefaultQuota), vms.UsageOf(vm.OwnerId), 0, 0, sizeGib);
                if (refusals.Count > 0)
                    return Refuse(user, action, vm, remote, string.Join(" ", refusals));
            }
            // The lowest free slot: xvdb is index 1.
            int index = Enumerable.Range(1, VmSettingsForm.MaxExtraDisks).First(i => existing.All(d => d.Index != i));
            var path = disks.PathFor($"{vm.Name}-{(char)('a' + index)}");
            if (!disks.Create(path, sizeGib))
                return Refuse(user, action, vm, remote, "Disks: the storage folder already holds a disk of that name; ask an administrator.");
            extraDisks.Add(vm.Id, index, sizeGib, path);
            var message = $"Added a {sizeGib} GiB disk (xvd{(char)('a' + index)}); {vm.Name} has it from its next power-on.";
            audit.Write(user.Name, action, vm.Name, remote, "ok", message);
            return new VmOutcome(true, message, vm);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<VmOutcome> RemoveDiskAsync(PanelUser user, PanelVm vm, string? diskId, string? remote, CancellationToken cancel)
    {
        const string action = "vm.disk-remove";
        var id = VmSettingsForm.Id(diskId);
        var disk = id is null ? null : extraDisks.Of(vm.Id).FirstOrDefault(d => d.Id == id);
        if (disk is null)
            return Refuse(user, action, vm, remote, "Disks: choose one of this VM's extra disks.");
        var (domain, xenodError) = await DomainAsync(vm, cancel);
        if (xenodError is not null)
            return Refuse(user, action, vm, remote, $"xenod: {xenodError}");
        if (domain is not null)
            return Refuse(user, action, vm, remote, $"Disks: {vm.Name} is running; shut it down before removing a disk.");
        extraDisks.Remove(disk.Id);
        disks.Delete(disk.Path);
        var message = $"Removed the {disk.SizeGib} GiB disk xvd{(char)('a' + disk.Index)} and its contents.";
        audit.Write(user.Name, action, vm.Name, remote, "ok", message);
        return new VmOutcome(true, message, vm);
    }

    /// <summary>xl cd-insert of a catalogue image (by name) into the running hvm guest's CD drive (hdc).</summary>
    public async Task<VmOutcome> InsertCdAsync(PanelUser user, PanelVm vm, string? name, string? remote, CancellationToken cancel)
    {
        const string action = "vm.cd-insert";
        var image = images.Find((name ?? "").Trim());
        if (image is null)
            return Refuse(user, action, vm, remote, "CD image: choose one of the images offered.");
        var running = await RunningHvmAsync(vm, cancel);
        if (running is not null)
            return Refuse(user, action, vm, remote, running);
        try
        {
            await xenod.For(vm.HostId).InsertCdAsync(vm.Name, new CdInsertRequest { Vdev = CdDrive, Path = image.Path }, cancel);
        }
        catch (XenodException e)
        {
            audit.Write(user.Name, action, vm.Name, remote, "failed", e.Message);
            return new VmOutcome(false, e.Message, vm);
        }
        var message = $"Inserted {image.Name} into {vm.Name}'s CD drive.";
        audit.Write(user.Name, action, vm.Name, remote, "ok", message);
        return new VmOutcome(true, message, vm);
    }

    public async Task<VmOutcome> EjectCdAsync(PanelUser user, PanelVm vm, string? remote, CancellationToken cancel)
    {
        const string action = "vm.cd-eject";
        var running = await RunningHvmAsync(vm, cancel);
        if (running is not null)
            return Refuse(user, action, vm, remote, running);
        try
        {
            await xenod.For(vm.HostId).EjectCdAsync(vm.Name, new CdEjectRequest { Vdev = CdDrive }, cancel);
        }
        catch (XenodException e)
        {
            audit.Write(user.Name, action, vm.Name, remote, "failed", e.Message);
            return new VmOutcome(false, e.Message, vm);
        }
        var message = $"Ejected the CD of {vm.Name}.";
        audit.Write(user.Name, action, vm.Name, remote, "ok", message);
        return new VmOutcome(true, message, vm);
    }

    /// <summary>The CD drive every hvm boot of a panel VM has (<see cref="VmSpec"/>).</summary>
    public const string CdDrive = "hdc";

    private async Task<string?> RunningHvmAsync(PanelVm vm, CancellationToken cancel)
    {
        var (domain, error) = await DomainAsync(vm, cancel);
        if (error is not null)
            return $"xenod: {error}";
        if (domain is null)
            return $"CD: {vm.Name} is not running; choose a CD boot mode to start it from a CD.";
        return domain.Type == DomainType.Hvm ? null : $"CD: {vm.Name} runs as {domain.Type.ToString().ToLowerInvariant()}; only hvm guests have a CD drive.";
    }

    private VmOutcome Refuse(PanelUser user, string action, PanelVm vm, string? remote, string message)
    {
        audit.Write(user.Name, action, vm.Name, remote, "refused", message);
        return new VmOutcome(false, message, vm);
    }
}
