using System.Globalization;
using Xeno.Qemu.Acceleration;

namespace Xeno.Qemu.Machine;

/// <summary>
/// Builds QEMU's argument vector for a <see cref="MachineSpec"/>. Pure: no file is read.
/// The layout follows docs/qemu.md: QEMU never decides the fate of a guest by itself
/// (-action reboot=shutdown,shutdown=pause,panic=pause), it daemonizes into its own session
/// so guests outlive the toolstack, and every guest has a QMP socket, a console chardev
/// with a log, a guest-agent port and a pvpanic device.
/// </summary>
public static class QemuCommandLine
{
    public const string DefaultExecutable = "qemu-system-x86_64";
    public const string AgentPortName = "org.qemu.guest_agent.0";
    public const int MaxVcpusLimit = 255; // i440fx ("pc") limit in QEMU 7.2
    public const string BalloonDevice = "virtio-balloon-pci,id=balloon0";
    private const int IdeUnits = 4;
    private const int AhciPorts = 6;

    public static QemuInvocation Build(MachineSpec spec, string executable = DefaultExecutable)
    {
        ArgumentNullException.ThrowIfNull(spec);
        MachineSpecValidator.Validate(spec);
        var args = new List<string>();

        Add(args, "-name", $"guest={Escape(spec.Name)},debug-threads=on");
        if (spec.Uuid is { } uuid)
            Add(args, "-uuid", uuid.ToString("D"));
        args.Add("-nodefaults");
        args.Add("-no-user-config");
        Add(args, "-machine", "pc");
        Add(args, "-accel", spec.Accelerator == Accelerator.Kvm ? "kvm"
            : spec.MultiThreadedTcg ? "tcg,thread=multi" : "tcg");
        if (spec.CpuModel is { } cpu)
            Add(args, "-cpu", cpu);
        Add(args, "-m", Invariant($"{spec.MemoryMiB}M"));
        Add(args, "-smp", Invariant($"{spec.Vcpus},maxcpus={spec.MaxVcpus ?? spec.Vcpus}"));

        // The toolstack applies on_poweroff/on_reboot/on_crash: QEMU only stops and reports.
        Add(args, "-action", "reboot=shutdown,shutdown=pause,panic=pause");
        if (spec.StartPaused)
            args.Add("-S");
        if (spec.IncomingDeferred)
            Add(args, "-incoming", "defer");
        args.Add("-daemonize");
        Add(args, "-pidfile", spec.Files.PidFile);

        Add(args, "-chardev", $"socket,id=qmp,path={Escape(spec.Files.QmpSocket)},server=on,wait=off");
        Add(args, "-mon", "chardev=qmp,mode=control");

        AddFirmwareAndKernel(args, spec);
        AddDisplay(args, spec);
        AddConsoleAndChannels(args, spec);
        Add(args, "-device", "pvpanic");
        if (spec.Balloon)
            Add(args, "-device", BalloonDevice);
        AddDisks(args, spec);
        foreach (var nic in spec.Nics)
            args.AddRange(NicArguments.For(nic));

        return new QemuInvocation(executable, args);
    }

    private static void AddFirmwareAndKernel(List<string> args, MachineSpec spec)
    {
        if (spec.Kind == GuestKind.Hvm && spec.Firmware == FirmwareKind.Ovmf)
        {
            var ovmf = spec.Ovmf!;
            Add(args, "-drive", $"if=pflash,format=raw,unit=0,readonly=on,file={Escape(ovmf.CodePath)}");
            Add(args, "-drive", $"if=pflash,format=raw,unit=1,file={Escape(ovmf.VarsPath)}");
        }
        if (spec.DirectBoot is { } boot)
        {
            Add(args, "-kernel", boot.Kernel);
            if (boot.Initrd is { } initrd)
                Add(args, "-initrd", initrd);
            if (boot.CommandLine.Length > 0)
                Add(args, "-append", boot.CommandLine);
        }
    }

    private static void AddDisplay(List<string> args, MachineSpec spec)
    {
        Add(args, "-vga", spec.Vga switch
        {
            VgaKind.Std => "std",
            VgaKind.Cirrus => "cirrus",
            _ => "none",
        });
        if (spec.Vnc is { } vnc)
        {
            var value = Invariant($"{Escape(FormatVncHost(vnc.Listen))}:{vnc.Display}");
            if (vnc.FindUnused)
                value += Invariant($",to={Math.Max(vnc.Display, 99)}");
            if (vnc.PasswordProtected)
                value += ",password=on";
            Add(args, "-vnc", value);
        }
        else
        {
            Add(args, "-display", "none");
        }
    }

    /// <summary>The id of the guest console's chardev (QMP chardev-change names it).</summary>
    public const string ConsoleChardevId = "console0";

    private static void AddConsoleAndChannels(List<string> args, MachineSpec spec)
    {
        var files = spec.Files;
        Add(args, "-chardev", $"socket,id={ConsoleChardevId},path={Escape(files.ConsoleSocket)},server=on,wait=off," +
            $"logfile={Escape(files.ConsoleLog)},logappend=on");
        // One MSI-X vector per virtqueue (Linux needs 1 + 5 for two ports). With QEMU's default
        // (max_ports=31, 32 vectors) Linux shares one vector among all queues; hvc polls for its
        // output buffers, so each output interrupt finds nothing, and after 100,000 of them the
        // kernel disables that vector ("Disabling IRQ #25") and with it console input.
        Add(args, "-device", "virtio-serial-pci,id=vserial0,max_ports=2,vectors=6");
        if (spec.Kind == GuestKind.Hvm)
            Add(args, "-serial", "chardev:" + ConsoleChardevId);
        else
            Add(args, "-device", $"virtconsole,bus=vserial0.0,chardev={ConsoleChardevId},name=console.0");
        Add(args, "-chardev", $"socket,id=agent0,path={Escape(files.AgentSocket)},server=on,wait=off");
        Add(args, "-device", $"virtserialport,bus=vserial0.0,chardev=agent0,name={AgentPortName}");
    }

    private static void AddDisks(List<string> args, MachineSpec spec)
    {
        var bootIndex = BootIndexes(spec);
        var units = DiskUnits.Assign(spec.Disks);
        if (spec.Disks.Any(d => d.Bus == DiskBus.Ahci))
            Add(args, "-device", "ahci,id=ahci0");

        for (int i = 0; i < spec.Disks.Count; i++)
        {
            var disk = spec.Disks[i];
            // A named disk (xenod names them by Xen device number) can be found again over QMP:
            // its drive is the name, its device the name + "-dev" (block-detach, cd-insert).
            string id = disk.Id ?? Invariant($"disk{i}");
            var drive = $"if=none,id={id}";
            if (disk.Path.Length > 0)
                drive += $",file={Escape(disk.Path)},format={(disk.Format == DiskFormat.Qcow2 ? "qcow2" : "raw")}";
            if (disk.Media == DiskMedia.Cdrom)
                drive += ",media=cdrom";
            if (disk.ReadOnly || disk.Media == DiskMedia.Cdrom)
                drive += ",readonly=on";
            Add(args, "-drive", drive);

            bool cd = disk.Media == DiskMedia.Cdrom;
            string device = disk.Bus switch
            {
                DiskBus.Ide => Invariant($"{(cd ? "ide-cd" : "ide-hd")},drive={id},bus=ide.{units[i] / 2},unit={units[i] % 2}"),
                DiskBus.Ahci => Invariant($"{(cd ? "ide-cd" : "ide-hd")},drive={id},bus=ahci0.{units[i]}"),
                _ => $"virtio-blk-pci,drive={id}",
            };
            if (disk.Id is not null)
                device += $",id={disk.Id}-dev";
            if (bootIndex[i] is { } index)
                device += Invariant($",bootindex={index}");
            Add(args, "-device", device);
        }
    }

    /// <summary>HVM only: bootindex per disk following the boot order, by device type.</summary>
    private static int?[] BootIndexes(MachineSpec spec)
    {
        var result = new int?[spec.Disks.Count];
        if (spec.Kind != GuestKind.Hvm || spec.DirectBoot is not null)
            return result;
        int next = 0;
        foreach (var device in spec.BootOrder.Distinct())
        {
            var media = device switch
            {
                BootDevice.Disk => DiskMedia.Disk,
                BootDevice.Cdrom => DiskMedia.Cdrom,
                _ => (DiskMedia?)null, // network boot needs NICs (networking issue)
            };
            for (int i = 0; i < spec.Disks.Count; i++)
            {
                if (media == spec.Disks[i].Media)
                    result[i] = next++;
            }
        }
        return result;
    }

    /// <summary>QemuOpts values double a comma to keep it literal.</summary>
    internal static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);

    private static string FormatVncHost(string listen) =>
        listen.Contains(':', StringComparison.Ordinal) && !listen.StartsWith('[') ? $"[{listen}]" : listen;

    private static void Add(List<string> args, string option, string value)
    {
        args.Add(option);
        args.Add(value);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal static class DiskUnits
    {
        /// <summary>Explicit units stay; the rest take the lowest free unit on their bus.</summary>
        public static int[] Assign(IReadOnlyList<DiskSpec> disks)
        {
            var units = new int[disks.Count];
            var taken = new Dictionary<DiskBus, HashSet<int>>();
            for (int i = 0; i < disks.Count; i++)
            {
                if (disks[i].Unit is { } unit)
                    Taken(taken, disks[i].Bus).Add(unit);
            }
            for (int i = 0; i < disks.Count; i++)
            {
                if (disks[i].Unit is { } unit)
                {
                    units[i] = unit;
                    continue;
                }
                var used = Taken(taken, disks[i].Bus);
                int free = 0;
                while (used.Contains(free))
                    free++;
                used.Add(free);
                units[i] = free;
            }
            return units;
        }

        private static HashSet<int> Taken(Dictionary<DiskBus, HashSet<int>> taken, DiskBus bus)
        {
            if (!taken.TryGetValue(bus, out var set))
                taken[bus] = set = [];
            return set;
        }

        public static int Capacity(DiskBus bus) => bus switch
        {
            DiskBus.Ide => IdeUnits,
            DiskBus.Ahci => AhciPorts,
            _ => int.MaxValue,
        };
    }
}
