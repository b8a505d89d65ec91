using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Machine;

namespace Xeno.Qemu.Tests.Machine;

public class QemuCommandLineTests
{
    private static readonly RuntimeFiles Files = new(
        QmpSocket: "/run/xeno/qemu/web.qmp",
        ConsoleSocket: "/run/xeno/qemu/web.console",
        ConsoleLog: "/var/log/xeno/console/web.log",
        AgentSocket: "/run/xeno/qemu/web.agent",
        PidFile: "/run/xeno/qemu/web.pid");

    private static readonly string[] Common =
    [
        "-nodefaults", "-no-user-config", "-machine", "pc",
    ];

    private static string[] Head(string name, string accel, string memory, string smp) =>
    [
        "-name", $"guest={name},debug-threads=on",
        .. Common,
        "-accel", accel, "-m", memory, "-smp", smp,
        "-action", "reboot=shutdown,shutdown=pause,panic=pause",
        "-daemonize", "-pidfile", "/run/xeno/qemu/web.pid",
        "-chardev", "socket,id=qmp,path=/run/xeno/qemu/web.qmp,server=on,wait=off",
        "-mon", "chardev=qmp,mode=control",
    ];

    private static readonly string[] ConsoleChardev =
    [
        "-chardev", "socket,id=console0,path=/run/xeno/qemu/web.console,server=on,wait=off,logfile=/var/log/xeno/console/web.log,logappend=on",
        "-device", "virtio-serial-pci,id=vserial0,max_ports=2,vectors=6",
    ];

    private static readonly string[] Agent =
    [
        "-chardev", "socket,id=agent0,path=/run/xeno/qemu/web.agent,server=on,wait=off",
        "-device", "virtserialport,bus=vserial0.0,chardev=agent0,name=org.qemu.guest_agent.0",
        "-device", "pvpanic",
    ];

    private static MachineSpec Pv() => new()
    {
        Name = "web",
        Kind = GuestKind.Pv,
        MemoryMiB = 256,
        DirectBoot = new DirectBoot("/boot/vmlinuz", "/boot/initrd.img", "console=hvc0 root=/dev/vda ro"),
        Disks = [new DiskSpec("/srv/web.img"), new DiskSpec("/srv/data.qcow2", DiskFormat.Qcow2, ReadOnly: true)],
        Files = Files,
    };

    private static MachineSpec Hvm() => new()
    {
        Name = "web",
        Kind = GuestKind.Hvm,
        MemoryMiB = 1024,
        Vcpus = 2,
        MaxVcpus = 4,
        Disks =
        [
            new DiskSpec("/srv/web.qcow2", DiskFormat.Qcow2, DiskBus.Ide),
            new DiskSpec("/srv/install.iso", Bus: DiskBus.Ide, Media: DiskMedia.Cdrom, Unit: 2),
        ],
        BootOrder = [BootDevice.Cdrom, BootDevice.Disk],
        Vga = VgaKind.Cirrus,
        Vnc = new VncSpec("0.0.0.0", 3, FindUnused: true, PasswordProtected: true),
        Files = Files,
    };

    [Fact]
    public void PvArgumentVector()
    {
        var invocation = QemuCommandLine.Build(Pv());
        Assert.Equal("qemu-system-x86_64", invocation.Executable);
        string[] expected =
        [
            .. Head("web", "tcg,thread=multi", "256M", "1,maxcpus=1"),
            "-kernel", "/boot/vmlinuz", "-initrd", "/boot/initrd.img", "-append", "console=hvc0 root=/dev/vda ro",
            "-vga", "none", "-display", "none",
            .. ConsoleChardev,
            "-device", "virtconsole,bus=vserial0.0,chardev=console0,name=console.0",
            .. Agent,
            "-drive", "if=none,id=disk0,file=/srv/web.img,format=raw",
            "-device", "virtio-blk-pci,drive=disk0",
            "-drive", "if=none,id=disk1,file=/srv/data.qcow2,format=qcow2,readonly=on",
            "-device", "virtio-blk-pci,drive=disk1",
        ];
        Assert.Equal(expected, invocation.Arguments);
    }

    [Fact]
    public void PvhIsThePvLayoutWithTheElfKernel()
    {
        // QEMU takes the PVH entry by itself when -kernel is an ELF with the PVH note.
        var spec = Pv() with
        {
            Kind = GuestKind.Pvh,
            DirectBoot = new DirectBoot("/var/lib/xeno/pvh/abc.vmlinux", null, "console=hvc0"),
            Disks = [],
            Accelerator = Accelerator.Kvm,
            StartPaused = true,
            Uuid = Guid.Parse("0b5d7a4e-9c1b-4d2a-8e3f-1a2b3c4d5e6f"),
        };
        string[] head = Head("web", "kvm", "256M", "1,maxcpus=1");
        string[] expected =
        [
            "-name", "guest=web,debug-threads=on", "-uuid", "0b5d7a4e-9c1b-4d2a-8e3f-1a2b3c4d5e6f",
            .. head[2..14], "-S", .. head[14..],
            "-kernel", "/var/lib/xeno/pvh/abc.vmlinux", "-append", "console=hvc0",
            "-vga", "none", "-display", "none",
            .. ConsoleChardev,
            "-device", "virtconsole,bus=vserial0.0,chardev=console0,name=console.0",
            .. Agent,
        ];
        Assert.Equal(expected, QemuCommandLine.Build(spec).Arguments);
    }

    [Fact]
    public void RestoreWaitsPausedForTheIncomingStream()
    {
        var args = QemuCommandLine.Build(Pv() with { StartPaused = true, IncomingDeferred = true }).Arguments.ToList();
        int s = args.IndexOf("-S");
        Assert.True(s > 0);
        Assert.Equal(["-incoming", "defer"], args.Skip(s + 1).Take(2));
        Assert.DoesNotContain("-incoming", QemuCommandLine.Build(Pv()).Arguments);
    }

    [Fact]
    public void HvmArgumentVector()
    {
        string[] expected =
        [
            .. Head("web", "tcg,thread=multi", "1024M", "2,maxcpus=4"),
            "-vga", "cirrus", "-vnc", "0.0.0.0:3,to=99,password=on",
            .. ConsoleChardev,
            "-serial", "chardev:console0",
            .. Agent,
            "-drive", "if=none,id=disk0,file=/srv/web.qcow2,format=qcow2",
            "-device", "ide-hd,drive=disk0,bus=ide.0,unit=0,bootindex=1",
            "-drive", "if=none,id=disk1,file=/srv/install.iso,format=raw,media=cdrom,readonly=on",
            "-device", "ide-cd,drive=disk1,bus=ide.1,unit=0,bootindex=0",
        ];
        Assert.Equal(expected, QemuCommandLine.Build(Hvm()).Arguments);
    }

    [Fact]
    public void HvmWithOvmfAhciAndEmptyCdrom()
    {
        var spec = Hvm() with
        {
            Firmware = FirmwareKind.Ovmf,
            Ovmf = new OvmfFirmware("/var/lib/xeno/web/OVMF_VARS.fd"),
            Disks =
            [
                new DiskSpec("/srv/a.img", Bus: DiskBus.Ahci),
                new DiskSpec("", Bus: DiskBus.Ahci, Media: DiskMedia.Cdrom),
                new DiskSpec("/srv/b.img", Bus: DiskBus.Ahci, Unit: 0 + 5),
            ],
            BootOrder = [BootDevice.Disk],
            Vga = VgaKind.Std,
            Vnc = new VncSpec(FindUnused: false),
            MultiThreadedTcg = false,
        };
        var args = QemuCommandLine.Build(spec).Arguments.ToArray();
        string[] tail =
        [
            "-device", "ahci,id=ahci0",
            "-drive", "if=none,id=disk0,file=/srv/a.img,format=raw",
            "-device", "ide-hd,drive=disk0,bus=ahci0.0,bootindex=0",
            "-drive", "if=none,id=disk1,media=cdrom,readonly=on",
            "-device", "ide-cd,drive=disk1,bus=ahci0.1",
            "-drive", "if=none,id=disk2,file=/srv/b.img,format=raw",
            "-device", "ide-hd,drive=disk2,bus=ahci0.5,bootindex=1",
        ];
        Assert.Equal(tail, args[^tail.Length..]);
        Assert.Contains("tcg", args);
        string[] firmware =
        [
            "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
            "-drive", "if=pflash,format=raw,unit=1,file=/var/lib/xeno/web/OVMF_VARS.fd",
            "-vga", "std", "-vnc", "127.0.0.1:0",
        ];
        int at = Array.IndexOf(args, "-drive");
        Assert.Equal(firmware, args[at..(at + firmware.Length)]);
    }

    [Fact]
    public void CommasInValuesAreDoubledButNotInPlainOptions()
    {
        var spec = Pv() with
        {
            Name = "a,b",
            DirectBoot = new DirectBoot("/k,1", "/i,2", "console=hvc0 x=a,b"),
            Disks = [new DiskSpec("/srv/x,y.img")],
            Files = Files with { QmpSocket = "/run/q,mp" },
        };
        var args = QemuCommandLine.Build(spec).Arguments;
        Assert.Contains("guest=a,,b,debug-threads=on", args);
        Assert.Contains("socket,id=qmp,path=/run/q,,mp,server=on,wait=off", args);
        Assert.Contains("if=none,id=disk0,file=/srv/x,,y.img,format=raw", args);
        // -kernel, -initrd and -append take their value verbatim.
        Assert.Contains("/k,1", args);
        Assert.Contains("/i,2", args);
        Assert.Contains("console=hvc0 x=a,b", args);
    }

    [Fact]
    public void BalloonDeviceOnlyWhenAsked()
    {
        var plain = QemuCommandLine.Build(Hvm()).Arguments;
        Assert.DoesNotContain(plain, a => a.Contains("balloon", StringComparison.Ordinal));
        var args = QemuCommandLine.Build(Hvm() with { Balloon = true, MemoryMiB = 512 }).Arguments.ToList();
        int at = args.IndexOf("virtio-balloon-pci,id=balloon0");
        Assert.True(at > 0 && args[at - 1] == "-device", string.Join(' ', args));
        Assert.Equal("512M", args[args.IndexOf("-m") + 1]);
    }

    [Fact]
    public void VncPasswordIsAFlagNeverTheSecret()
    {
        var args = QemuCommandLine.Build(Hvm() with { Vnc = new VncSpec("127.0.0.1", 4, FindUnused: false, PasswordProtected: true) }).Arguments;
        Assert.Contains("127.0.0.1:4,password=on", args);
    }

    [Fact]
    public void IpV6VncListenIsBracketed()
    {
        var spec = Hvm() with { Vnc = new VncSpec("::1", 7, FindUnused: false) };
        Assert.Contains("[::1]:7", QemuCommandLine.Build(spec).Arguments);
    }

    [Fact]
    public void DiskUnitsTakeTheLowestFreeSlotPerBus()
    {
        var units = QemuCommandLine.DiskUnits.Assign(
        [
            new DiskSpec("a", Bus: DiskBus.Ide, Unit: 0),
            new DiskSpec("b", Bus: DiskBus.Ide),
            new DiskSpec("c", Bus: DiskBus.Ahci),
            new DiskSpec("d", Bus: DiskBus.Ide, Unit: 1),
        ]);
        Assert.Equal([0, 2, 0, 1], units);
    }

    public static TheoryData<string, string> InvalidSpecs() => new()
    {
        { "pv-no-kernel", "kernel: a pv guest needs a kernel to boot directly" },
        { "pvh-ide", "disk[0]: a pvh guest has paravirtual (virtio) disks only, not ide" },
        { "pv-vga", "vga: a pv guest has no emulated graphics" },
        { "pv-vnc", "vnc: a pv guest has no emulated graphics to show over VNC" },
        { "pv-ovmf", "bios: a pv guest boots without firmware" },
        { "zero-memory", "memory: must be at least 1 MiB, got 0" },
        { "zero-vcpus", "vcpus: must be at least 1, got 0" },
        { "max-below", "maxvcpus: 1 is less than vcpus (2)" },
        { "max-above", "maxvcpus: 256 exceeds the machine's limit of 255" },
        { "ovmf-missing", "bios: ovmf needs the code image and a writable variable store" },
        { "ide-unit", "disk[0]: unit 4 does not exist on the ide bus (0-3)" },
        { "ide-five", "disk[4]: unit 4 does not exist on the ide bus (0-3)" },
        { "dup-unit", "disk[1]: unit 0 on the ide bus is already taken" },
        { "empty-disk", "disk[0]: has no target (only a CD-ROM drive may be empty)" },
        { "empty-virtio-cd", "disk[0]: an empty CD-ROM drive needs an IDE or AHCI bus" },
        { "empty-name", "name: is empty" },
        { "control-name", "name: contains a control character" },
        { "nul-path", "files.qmp: path contains a NUL character" },
        { "vnc-display", "vncdisplay: 60000 is out of range (0-59635)" },
        { "no-boot", "boot: the boot order is empty" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void RefusesInvalidSpecsNamingTheField(string which, string message)
    {
        var pv = Pv();
        var hvm = Hvm();
        MachineSpec spec = which switch
        {
            "pv-no-kernel" => pv with { DirectBoot = null },
            "pvh-ide" => pv with { Kind = GuestKind.Pvh, Disks = [new DiskSpec("/a", Bus: DiskBus.Ide)] },
            "pv-vga" => pv with { Vga = VgaKind.Std },
            "pv-vnc" => pv with { Vnc = new VncSpec() },
            "pv-ovmf" => pv with { Firmware = FirmwareKind.Ovmf },
            "zero-memory" => pv with { MemoryMiB = 0 },
            "zero-vcpus" => pv with { Vcpus = 0 },
            "max-below" => pv with { Vcpus = 2, MaxVcpus = 1 },
            "max-above" => pv with { MaxVcpus = 256 },
            "ovmf-missing" => hvm with { Firmware = FirmwareKind.Ovmf },
            "ide-unit" => hvm with { Disks = [new DiskSpec("/a", Bus: DiskBus.Ide, Unit: 4)] },
            "ide-five" => hvm with { Disks = [.. Enumerable.Range(0, 5).Select(i => new DiskSpec($"/d{i}", Bus: DiskBus.Ide))] },
            "dup-unit" => hvm with { Disks = [new DiskSpec("/a", Bus: DiskBus.Ide, Unit: 0), new DiskSpec("/b", Bus: DiskBus.Ide, Unit: 0)] },
            "empty-disk" => hvm with { Disks = [new DiskSpec("", Bus: DiskBus.Ide)] },
            "empty-virtio-cd" => hvm with { Disks = [new DiskSpec("", Media: DiskMedia.Cdrom)] },
            "empty-name" => pv with { Name = " " },
            "control-name" => pv with { Name = "a\nb" },
            "nul-path" => pv with { Files = Files with { QmpSocket = "/a\0b" } },
            "vnc-display" => hvm with { Vnc = new VncSpec(Display: 60000) },
            "no-boot" => hvm with { BootOrder = [] },
            _ => throw new ArgumentException(which),
        };
        var error = Assert.Throws<MachineSpecException>(() => QemuCommandLine.Build(spec));
        Assert.Equal(message, error.Message);
        Assert.Equal(message[..message.IndexOf(':', StringComparison.Ordinal)], error.Field);
    }
}
