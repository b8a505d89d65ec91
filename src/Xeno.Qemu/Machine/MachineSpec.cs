using Xeno.Qemu.Acceleration;

namespace Xeno.Qemu.Machine;

/// <summary>Xen guest types as QEMU runs them (see docs/qemu.md for the mapping).</summary>
public enum GuestKind
{
    /// <summary>Direct kernel boot (a bzImage, or its PVH ELF when it has one: the toolstack decides), paravirtual devices only, console hvc0.</summary>
    Pv,
    /// <summary>Direct boot through the PVH entry of an uncompressed ELF kernel, paravirtual devices only.</summary>
    Pvh,
    /// <summary>Firmware boots disk/CD-ROM/network; emulated devices plus PV ones; console ttyS0.</summary>
    Hvm,
}

public enum FirmwareKind
{
    SeaBios,
    Ovmf,
}

public enum VgaKind
{
    None,
    Std,
    Cirrus,
}

/// <summary>Xen's <c>boot=</c> letters: c = hard disk, d = CD-ROM, n = network.</summary>
public enum BootDevice
{
    Disk,
    Cdrom,
    Network,
}

/// <summary>Kernel, optional initrd and command line for a direct (firmware-less) boot.</summary>
public sealed record DirectBoot(string Kernel, string? Initrd = null, string CommandLine = "");

/// <summary>
/// OVMF's read-only code image and this guest's own writable copy of the variable store
/// (the caller copies Debian's template, <see cref="OvmfPaths.DebianVarsTemplate"/>, per domain).
/// </summary>
public sealed record OvmfFirmware(string VarsPath, string CodePath = OvmfPaths.DebianCode);

public static class OvmfPaths
{
    public const string DebianCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
    public const string DebianVarsTemplate = "/usr/share/OVMF/OVMF_VARS_4M.fd";
}

/// <summary>
/// VNC server of an HVM guest. <see cref="Display"/> is the display number (port 5900+n);
/// <see cref="FindUnused"/> lets QEMU move up to the next free display (Xen's vncunused).
/// With <see cref="PasswordProtected"/> the password itself is set over QMP after start,
/// never on the command line (where every user could read it).
/// </summary>
public sealed record VncSpec(string Listen = "127.0.0.1", int Display = 0, bool FindUnused = true, bool PasswordProtected = false);

/// <summary>The per-guest runtime files QEMU creates or writes.</summary>
public sealed record RuntimeFiles(
    string QmpSocket,
    string ConsoleSocket,
    string ConsoleLog,
    string AgentSocket,
    string PidFile);

/// <summary>
/// A small, typed description of one QEMU machine. The toolstack maps its domain model onto
/// this; <see cref="QemuCommandLine"/> turns it into an argument vector.
/// </summary>
public sealed record MachineSpec
{
    public required string Name { get; init; }
    public required GuestKind Kind { get; init; }
    /// <summary>RAM QEMU gives the guest (Xen's maxmem when the guest balloons).</summary>
    public required int MemoryMiB { get; init; }
    /// <summary>A virtio-balloon device, through which the toolstack sets the guest's memory target.</summary>
    public bool Balloon { get; init; }
    public int Vcpus { get; init; } = 1;
    /// <summary>vCPUs that can be hot-added later; null means equal to <see cref="Vcpus"/>.</summary>
    public int? MaxVcpus { get; init; }
    public DirectBoot? DirectBoot { get; init; }
    public IReadOnlyList<DiskSpec> Disks { get; init; } = [];
    /// <summary>Guest NICs, each on a tap the toolstack created (see <see cref="NicSpec"/>).</summary>
    public IReadOnlyList<NicSpec> Nics { get; init; } = [];
    /// <summary>HVM boot order (Xen default "cd": disk, then CD-ROM).</summary>
    public IReadOnlyList<BootDevice> BootOrder { get; init; } = [BootDevice.Disk, BootDevice.Cdrom];
    public FirmwareKind Firmware { get; init; } = FirmwareKind.SeaBios;
    /// <summary>Required when <see cref="Firmware"/> is OVMF.</summary>
    public OvmfFirmware? Ovmf { get; init; }
    public VgaKind Vga { get; init; } = VgaKind.None;
    public VncSpec? Vnc { get; init; }
    public required RuntimeFiles Files { get; init; }
    public Accelerator Accelerator { get; init; } = Accelerator.Tcg;
    /// <summary>TCG only: run vCPUs on host threads of their own (-accel tcg,thread=multi).</summary>
    public bool MultiThreadedTcg { get; init; } = true;
    /// <summary>QEMU -cpu model; null keeps QEMU's default (note: "host" aborts on kvm_pvm).</summary>
    public string? CpuModel { get; init; }
    public Guid? Uuid { get; init; }
    /// <summary>Start with vCPUs stopped (xl create -p); "cont" over QMP runs them.</summary>
    public bool StartPaused { get; init; }
    /// <summary>Wait for a migration stream (xl restore): -incoming defer, then QMP migrate-incoming.</summary>
    public bool IncomingDeferred { get; init; }
}
