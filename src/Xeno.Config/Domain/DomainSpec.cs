namespace Xeno.Config.Domain;

/// <summary>
/// A validated domain: everything xenod needs to build and run one guest, with Xen's defaults
/// filled in. Built from an xl.cfg by <see cref="DomainSpecBuilder"/>.
/// </summary>
public sealed record DomainSpec
{
    public required string Name { get; init; }
    public required DomainKind Kind { get; init; }
    public required Guid Uuid { get; init; }

    /// <summary>Initial memory (the balloon target) in MiB.</summary>
    public required long MemoryMiB { get; init; }
    /// <summary>Maximum memory in MiB; larger than <see cref="MemoryMiB"/> means pre-ballooned.</summary>
    public required long MaxMemMiB { get; init; }
    /// <summary>vCPUs online at boot.</summary>
    public required int Vcpus { get; init; }
    public required int MaxVcpus { get; init; }

    /// <summary>Hard affinity per vCPU (index = vCPU), or null for no pinning.</summary>
    public IReadOnlyList<IReadOnlySet<int>>? CpuAffinity { get; init; }
    /// <summary>Soft affinity per vCPU, or null.</summary>
    public IReadOnlyList<IReadOnlySet<int>>? CpuSoftAffinity { get; init; }
    public int CpuWeight { get; init; } = 256;
    /// <summary>CPU cap in percent of one physical CPU; 0 is no cap.</summary>
    public int Cap { get; init; }
    public string? Pool { get; init; }

    public ShutdownAction OnPoweroff { get; init; } = ShutdownAction.Destroy;
    public ShutdownAction OnReboot { get; init; } = ShutdownAction.Restart;
    public ShutdownAction OnWatchdog { get; init; } = ShutdownAction.Destroy;
    public ShutdownAction OnCrash { get; init; } = ShutdownAction.Destroy;
    public ShutdownAction OnSoftReset { get; init; } = ShutdownAction.SoftReset;

    public string? Kernel { get; init; }
    public string? Ramdisk { get; init; }
    public string? Cmdline { get; init; }
    public string? Bootloader { get; init; }
    public IReadOnlyList<string> BootloaderArgs { get; init; } = [];

    /// <summary>Xeno's choice of QEMU accelerator: "auto", "kvm" or "tcg".</summary>
    public string Accel { get; init; } = AccelNames.Auto;

    /// <summary>Options of the emulated platform; null for pv and pvh.</summary>
    public HvmOptions? Hvm { get; init; }
    /// <summary>The VNC display: HVM's own, or a PV framebuffer asked for with vnc=1 (disabled otherwise).</summary>
    public VncOptions Vnc { get; init; } = VncOptions.Disabled;

    public IReadOnlyList<DomainDisk> Disks { get; init; } = [];
    public IReadOnlyList<DomainVif> Vifs { get; init; } = [];

    /// <summary>The RAM the guest machine gets: maxmem, or memory when that is larger (the
    /// builder refuses it, but a spec can come from JSON).</summary>
    public long GuestRamMiB => Math.Max(MaxMemMiB, MemoryMiB);

    /// <summary>Starts ballooned down: maxmem above memory, so a balloon driver holds the rest.</summary>
    public bool StartsBallooned => MaxMemMiB > MemoryMiB;

    /// <summary>The domain boots through its bootloader: libxl runs bootloader= for pv and pvh
    /// only (an hvm guest boots its firmware); kernel and ramdisk are then paths inside the guest.</summary>
    public bool BootloaderRuns => Bootloader is not null && Kind != DomainKind.Hvm;
}

/// <summary>Options only an HVM guest has.</summary>
public sealed record HvmOptions
{
    /// <summary>Boot order: c = disk, d = CD-ROM, n = network. Xen's code default is "cda".</summary>
    public string Boot { get; init; } = "cda";
    /// <summary>"seabios", "ovmf" or "rombios".</summary>
    public string Bios { get; init; } = "seabios";
    /// <summary>A custom firmware image (firmware_override, or firmware= with a path).</summary>
    public string? Firmware { get; init; }
    /// <summary>"ide" or "ahci".</summary>
    public string HdType { get; init; } = "ide";
    /// <summary>"cirrus", "stdvga", "qxl" or "none".</summary>
    public string Vga { get; init; } = "cirrus";
    public long? VideoRamMiB { get; init; }
    /// <summary>QEMU serial specs as given by serial= (string or list).</summary>
    public IReadOnlyList<string> Serial { get; init; } = [];
    public bool Acpi { get; init; } = true;
    public bool Apic { get; init; } = true;
    public bool Pae { get; init; } = true;
    public bool Nx { get; init; } = true;
    public bool Hpet { get; init; } = true;
    public bool Usb { get; init; }
    public IReadOnlyList<string> UsbDevices { get; init; } = [];
    public string? SoundHw { get; init; }
    public bool XenPlatformPci { get; init; } = true;
    public bool Nographic { get; init; }
    public string? Keymap { get; init; }
}

public sealed record VncOptions
{
    public static readonly VncOptions Disabled = new() { Enabled = false };

    public bool Enabled { get; init; }
    /// <summary>Address to listen on; Xen's default is 127.0.0.1.</summary>
    public string Listen { get; init; } = "127.0.0.1";
    /// <summary>Display number (port 5900 + N), or null to choose.</summary>
    public int? Display { get; init; }
    /// <summary>Find an unused display when the chosen one is taken (Xen default on).</summary>
    public bool FindUnused { get; init; } = true;
    /// <summary>Null or empty: no authentication.</summary>
    public string? Password { get; init; }
    public string? Keymap { get; init; }
}

public sealed record DomainDisk
{
    /// <summary>Image path or device; null for an empty CD-ROM drive.</summary>
    public string? Target { get; init; }
    /// <summary>"raw", "qcow", "qcow2", "vhd", "qed" or "empty".</summary>
    public required string Format { get; init; }
    public required string Vdev { get; init; }
    /// <summary>Xen's device number of the vdev (xvda = 51712 ...).</summary>
    public required int Devid { get; init; }
    public required bool ReadOnly { get; init; }
    public required bool IsCdrom { get; init; }
    public string? Script { get; init; }
    public string? BackendType { get; init; }
}

public sealed record DomainVif
{
    public required int Devid { get; init; }
    /// <summary>Lower-case "xx:xx:xx:xx:xx:xx"; a random 00:16:3e address when not given.</summary>
    public required string Mac { get; init; }
    public required string Bridge { get; init; }
    public string? Ip { get; init; }
    public required string Script { get; init; }
    /// <summary>"vif" (paravirtual) or "ioemu" (emulated plus paravirtual, HVM only).</summary>
    public required string Type { get; init; }
    /// <summary>Emulated NIC model for ioemu vifs, e.g. rtl8139 or e1000.</summary>
    public required string Model { get; init; }
    /// <summary>Backend interface name; null means vif&lt;domid&gt;.&lt;devid&gt; at create time.</summary>
    public string? VifName { get; init; }
    public long? RateBytesPerInterval { get; init; }
    public long? RateIntervalUsecs { get; init; }
    public int? Mtu { get; init; }
    public string? GatewayDev { get; init; }
    public string? Backend { get; init; }
}

public static class AccelNames
{
    public const string Auto = "auto";
    public const string Kvm = "kvm";
    public const string Tcg = "tcg";

    public static bool IsValid(string value) => value is Auto or Kvm or Tcg;
}
