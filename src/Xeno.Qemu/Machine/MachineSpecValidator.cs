namespace Xeno.Qemu.Machine;

/// <summary>Refuses machine descriptions QEMU would reject or that break the guest type's rules.</summary>
internal static class MachineSpecValidator
{
    public static void Validate(MachineSpec spec)
    {
        Text("name", spec.Name);
        if (spec.MemoryMiB < 1)
            throw new MachineSpecException("memory", $"must be at least 1 MiB, got {spec.MemoryMiB}");
        if (spec.Vcpus < 1)
            throw new MachineSpecException("vcpus", $"must be at least 1, got {spec.Vcpus}");
        int max = spec.MaxVcpus ?? spec.Vcpus;
        if (max < spec.Vcpus)
            throw new MachineSpecException("maxvcpus", $"{max} is less than vcpus ({spec.Vcpus})");
        if (max > QemuCommandLine.MaxVcpusLimit)
            throw new MachineSpecException("maxvcpus", $"{max} exceeds the machine's limit of {QemuCommandLine.MaxVcpusLimit}");

        Path("files.qmp", spec.Files.QmpSocket);
        Path("files.console", spec.Files.ConsoleSocket);
        Path("files.console_log", spec.Files.ConsoleLog);
        Path("files.agent", spec.Files.AgentSocket);
        Path("files.pidfile", spec.Files.PidFile);
        if (spec.CpuModel is { } cpu)
            Text("cpu", cpu);

        if (spec.DirectBoot is { } boot)
        {
            Path("kernel", boot.Kernel);
            if (boot.Initrd is { } initrd)
                Path("ramdisk", initrd);
            if (boot.CommandLine.Contains('\0', StringComparison.Ordinal))
                throw new MachineSpecException("cmdline", "contains a NUL character");
        }

        if (spec.Kind is GuestKind.Pv or GuestKind.Pvh)
            ValidateParavirtual(spec);
        else
            ValidateHvm(spec);
        ValidateDisks(spec);
        NicArguments.Validate(spec.Nics);
    }

    private static void ValidateParavirtual(MachineSpec spec)
    {
        string kind = spec.Kind == GuestKind.Pv ? "pv" : "pvh";
        if (spec.DirectBoot is null)
            throw new MachineSpecException("kernel", $"a {kind} guest needs a kernel to boot directly");
        if (spec.Firmware != FirmwareKind.SeaBios || spec.Ovmf is not null)
            throw new MachineSpecException("bios", $"a {kind} guest boots without firmware");
        if (spec.Vga != VgaKind.None)
            throw new MachineSpecException("vga", $"a {kind} guest has no emulated graphics");
        if (spec.Vnc is not null)
            throw new MachineSpecException("vnc", $"a {kind} guest has no emulated graphics to show over VNC");
        for (int i = 0; i < spec.Disks.Count; i++)
        {
            if (spec.Disks[i].Bus != DiskBus.Virtio)
                throw new MachineSpecException($"disk[{i}]", $"a {kind} guest has paravirtual (virtio) disks only, not {spec.Disks[i].Bus.ToString().ToLowerInvariant()}");
        }
    }

    private static void ValidateHvm(MachineSpec spec)
    {
        if (spec.Firmware == FirmwareKind.Ovmf)
        {
            if (spec.Ovmf is not { } ovmf)
                throw new MachineSpecException("bios", "ovmf needs the code image and a writable variable store");
            Path("bios.code", ovmf.CodePath);
            Path("bios.vars", ovmf.VarsPath);
        }
        else if (spec.Ovmf is not null)
        {
            throw new MachineSpecException("bios", "OVMF files given but the firmware is SeaBIOS");
        }
        if (spec.Vnc is { } vnc)
        {
            Text("vnclisten", vnc.Listen);
            if (vnc.Display is < 0 or > 65535 - 5900)
                throw new MachineSpecException("vncdisplay", $"{vnc.Display} is out of range (0-{65535 - 5900})");
        }
        if (spec.BootOrder.Count == 0)
            throw new MachineSpecException("boot", "the boot order is empty");
    }

    private static void ValidateDisks(MachineSpec spec)
    {
        var units = QemuCommandLine.DiskUnits.Assign(spec.Disks);
        var seen = new HashSet<(DiskBus, int)>();
        for (int i = 0; i < spec.Disks.Count; i++)
        {
            var disk = spec.Disks[i];
            string field = $"disk[{i}]";
            if (disk.Path.Length == 0)
            {
                if (disk.Media != DiskMedia.Cdrom)
                    throw new MachineSpecException(field, "has no target (only a CD-ROM drive may be empty)");
                if (disk.Bus == DiskBus.Virtio)
                    throw new MachineSpecException(field, "an empty CD-ROM drive needs an IDE or AHCI bus");
            }
            else
            {
                Path(field, disk.Path);
            }
            int capacity = QemuCommandLine.DiskUnits.Capacity(disk.Bus);
            if (units[i] < 0 || units[i] >= capacity)
                throw new MachineSpecException(field, $"unit {units[i]} does not exist on the {disk.Bus.ToString().ToLowerInvariant()} bus (0-{capacity - 1})");
            if (!seen.Add((disk.Bus, units[i])))
                throw new MachineSpecException(field, $"unit {units[i]} on the {disk.Bus.ToString().ToLowerInvariant()} bus is already taken");
        }
    }

    private static void Text(string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new MachineSpecException(field, "is empty");
        if (value.Any(char.IsControl))
            throw new MachineSpecException(field, "contains a control character");
    }

    private static void Path(string field, string value)
    {
        if (string.IsNullOrEmpty(value))
            throw new MachineSpecException(field, "path is empty");
        if (value.Contains('\0', StringComparison.Ordinal))
            throw new MachineSpecException(field, "path contains a NUL character");
    }
}
