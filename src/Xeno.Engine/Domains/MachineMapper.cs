using Xeno.Config.Domain;
using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Domains;

/// <summary>
/// Maps a Xen domain onto a QEMU machine (ARCHITECTURE.md's table): pv = direct kernel boot with
/// virtio only (through the kernel's PVH entry when QemuLaunch found one: KernelBootDecision);
/// pvh = the same, always through the PVH entry of an ELF kernel; hvm = SeaBIOS/OVMF with
/// emulated disks, xvdX as virtio (PVHVM). Refuses what Xeno cannot run yet, naming it.
/// </summary>
internal static class MachineMapper
{
    /// <param name="domid">Names the vifs' taps (vif&lt;domid&gt;.&lt;devid&gt;); needed when the spec has vifs.</param>
    public static MachineSpec Map(DomainSpec spec, RuntimeFiles files, Accelerator accelerator, bool startPaused, string? ovmfVars, int? domid = null)
    {
        if (spec.Vifs.Count > 0 && domid is null)
            throw new ArgumentException("mapping vifs needs the domid (their taps are named after it)", nameof(domid));
        // bootloader=: pv and pvh arrive here with the kernel pygrub extracted (Bootloader/PygrubBoot);
        // hvm ignores it, as libxl does.

        var kind = spec.Kind switch
        {
            DomainKind.Pv => GuestKind.Pv,
            DomainKind.Pvh => GuestKind.Pvh,
            _ => GuestKind.Hvm,
        };
        DirectBoot? boot = null;
        if (spec.Kernel is { } kernel)
            boot = new DirectBoot(kernel, spec.Ramdisk, EmulatedTimerArgs.For(spec.Cmdline ?? "", kind, accelerator));
        else if (kind != GuestKind.Hvm)
            throw new EngineException(EngineErrorKind.Invalid, $"domain \"{spec.Name}\": a {spec.Kind.ToXenName()} guest needs kernel=");

        var disks = new List<DiskSpec>();
        // In vdev order, so the guest meets xvda before xvdb whatever the config's order.
        foreach (var d in Devices.Block.GuestDiskOrder.Sort(spec.Disks))
            disks.Add(MapDisk(spec, d) with { Id = HotplugDisk.DriveId(d.Devid) });

        var machine = new MachineSpec
        {
            Name = spec.Name,
            Kind = kind,
            // maxmem > memory: QEMU gets maxmem of RAM and a balloon that xenod sets to memory
            // right after start (Xen's pre-ballooned guest); xl mem-set moves it later.
            MemoryMiB = checked((int)spec.GuestRamMiB),
            Balloon = spec.StartsBallooned,
            Vcpus = spec.Vcpus,
            MaxVcpus = spec.MaxVcpus,
            DirectBoot = boot,
            Disks = disks,
            Files = files,
            Accelerator = accelerator,
            Uuid = spec.Uuid,
            StartPaused = startPaused,
            Nics = domid is { } id ? Network.NicMapper.Map(spec, id) : [],
        };
        if (spec.Hvm is { } hvm)
        {
            var firmware = hvm.Bios == "ovmf" ? FirmwareKind.Ovmf : FirmwareKind.SeaBios;
            if (hvm.Bios == "rombios")
                throw new EngineException(EngineErrorKind.Invalid, $"domain \"{spec.Name}\": bios=\"rombios\" is not supported; use seabios or ovmf");
            machine = machine with
            {
                Firmware = firmware,
                Ovmf = firmware == FirmwareKind.Ovmf ? new OvmfFirmware(ovmfVars ?? throw new InvalidOperationException("OVMF vars missing")) : null,
                BootOrder = BootOrder(hvm.Boot),
                Vga = hvm.Vga switch
                {
                    "none" => VgaKind.None,
                    "stdvga" or "qxl" => VgaKind.Std,
                    _ => VgaKind.Cirrus,
                },
                Vnc = spec.Vnc.Enabled && hvm.Vga != "none" && !hvm.Nographic
                    ? new VncSpec(spec.Vnc.Listen, spec.Vnc.Display ?? 0, spec.Vnc.FindUnused || spec.Vnc.Display is null,
                        PasswordProtected: !string.IsNullOrEmpty(spec.Vnc.Password))
                    : null,
            };
        }
        return machine;
    }

    private static DiskSpec MapDisk(DomainSpec spec, DomainDisk d)
    {
        var format = d.Format switch
        {
            "raw" => DiskFormat.Raw,
            "qcow2" => DiskFormat.Qcow2,
            "empty" => DiskFormat.Raw,
            _ => throw new EngineException(EngineErrorKind.Invalid,
                $"disk {d.Vdev} of domain \"{spec.Name}\": format={d.Format} is not supported (raw or qcow2)"),
        };
        var media = d.IsCdrom ? DiskMedia.Cdrom : DiskMedia.Disk;
        if (spec.Kind != DomainKind.Hvm)
        {
            if (d.IsCdrom)
                throw new EngineException(EngineErrorKind.Invalid,
                    $"disk {d.Vdev} of domain \"{spec.Name}\": a {spec.Kind.ToXenName()} guest has no CD-ROM drives (devtype=cdrom is HVM only)");
            return new DiskSpec(d.Target ?? "", format, DiskBus.Virtio, media, d.ReadOnly);
        }
        // HVM: hdX are emulated IDE (or AHCI with hdtype=ahci), sdX AHCI, xvdX paravirtual.
        var vdev = d.Vdev;
        if (vdev.StartsWith("hd", StringComparison.Ordinal) && vdev.Length == 3 && vdev[2] is >= 'a' and <= 'd')
        {
            bool ahci = spec.Hvm?.HdType == "ahci";
            // QEMU's emulated hard disks cannot be read-only; libxl refuses them with these words.
            if (d.ReadOnly && !d.IsCdrom)
                throw new EngineException(EngineErrorKind.Invalid,
                    $"qemu-xen doesn't support read-only {(ahci ? "AHCI" : "IDE")} disk drivers");
            return new DiskSpec(d.Target ?? "", format, ahci ? DiskBus.Ahci : DiskBus.Ide, media, d.ReadOnly, vdev[2] - 'a');
        }
        if (vdev.StartsWith("sd", StringComparison.Ordinal) && vdev.Length == 3 && vdev[2] is >= 'a' and <= 'f')
        {
            if (d.ReadOnly && !d.IsCdrom)
                throw new EngineException(EngineErrorKind.Invalid, "qemu-xen doesn't support read-only AHCI disk drivers");
            return new DiskSpec(d.Target ?? "", format, DiskBus.Ahci, media, d.ReadOnly, vdev[2] - 'a');
        }
        if (d.IsCdrom)
            return new DiskSpec(d.Target ?? "", format, DiskBus.Ide, media, d.ReadOnly);
        return new DiskSpec(d.Target ?? "", format, DiskBus.Virtio, media, d.ReadOnly);
    }

    private static List<BootDevice> BootOrder(string letters)
    {
        var order = new List<BootDevice>();
        foreach (var c in letters)
        {
            BootDevice? device = c switch
            {
                'c' => BootDevice.Disk,
                'd' => BootDevice.Cdrom,
                'n' => BootDevice.Network,
                _ => null, // 'a' (floppy) has no device here
            };
            if (device is { } b && !order.Contains(b))
                order.Add(b);
        }
        if (order.Count == 0)
            order.Add(BootDevice.Disk);
        return order;
    }
}
