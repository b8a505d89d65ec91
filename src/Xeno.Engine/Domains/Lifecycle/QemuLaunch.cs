using Xeno.Config.Domain;
using Xeno.Engine.Consoles;
using Xeno.Engine.Domains.Bootloader;
using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Processes;

namespace Xeno.Engine.Domains.Lifecycle;

/// <summary>
/// The slow part of a start, outside every lock: pygrub, a PVH kernel's unpack, QEMU's argument
/// vector, the console log's rotation, QEMU's start.
/// </summary>
internal sealed class QemuLaunch(EngineContext context)
{
    private readonly QemuLauncher _launcher = new(context.Time, context.Proc);
    private readonly PvhKernelCache _pvhKernels = new(context.Paths.KernelCacheDir);
    private readonly PygrubBoot _bootloader = new(context.Paths.LogDir, context.Log);
    private readonly PvKernelRouteLog _pvRoutes = new(context.Log);
    private readonly BootMemoryCheck _bootMemory = new(context.Log);

    public QemuLauncher Launcher => _launcher;

    public Accelerator AcceleratorOf(DomainSpec spec) =>
        spec.Accel != AccelNames.Auto && AcceleratorSelector.TryParse(spec.Accel, out var forced) ? forced : context.Accelerator.Accelerator;

    /// <param name="incoming">Restore: QEMU waits (paused) for a migration stream instead of booting.</param>
    public async Task<QemuInstance> LaunchAsync(Domain d, bool paused, bool incoming = false)
    {
        var spec = d.Spec;
        var paths = context.Paths;
        // pygrub runs on every start, so a guest that updated its kernel boots the new one; the
        // domain keeps its spec (kernel/ramdisk/cmdline come from the guest's disk).
        var loaded = await Task.Run(() => _bootloader.Prepare(spec, d.Domid, paths.DomainRunDir(d.Domid)));
        // The machine boots the PVH-capable ELF; the domain keeps the kernel= it was given. pv
        // takes the same fast route when its kernel has the PVH note (its devices and console
        // stay pv's), else QEMU decompresses the bzImage in the guest as before.
        var bootSpec = loaded;
        if (loaded.Kind == DomainKind.Pvh && loaded.Kernel is { } pvhKernel)
            bootSpec = loaded with { Kernel = await Task.Run(() => _pvhKernels.Resolve(pvhKernel)) };
        else if (loaded.Kind == DomainKind.Pv && loaded.Kernel is { } pvKernel)
        {
            var choice = await Task.Run(() => _pvhKernels.Inspect(pvKernel));
            _pvRoutes.Note(d, pvKernel, choice);
            bootSpec = loaded with { Kernel = choice.Kernel };
        }
        // Too little RAM for the kernel and its initramfs hangs the guest before it has a console.
        await Task.Run(() => _bootMemory.Apply(d, bootSpec));
        // root=/dev/xvda1 from a Xen config names the disk the guest will see (vda1).
        bootSpec = Devices.Block.GuestRootDevice.Apply(bootSpec, d.Domid, context.Log);
        string? ovmfVars = null;
        if (spec.Hvm?.Bios == "ovmf")
        {
            Directory.CreateDirectory(paths.DomainRunDir(d.Domid));
            ovmfVars = Path.Combine(paths.DomainRunDir(d.Domid), "vars.fd");
            File.Copy(OvmfPaths.DebianVarsTemplate, ovmfVars, overwrite: true);
        }
        var machine = MachineMapper.Map(bootSpec, d.Files, AcceleratorOf(spec), paused, ovmfVars, d.Domid) with { IncomingDeferred = incoming };
        var invocation = QemuCommandLine.Build(machine, context.Options.QemuExecutable);
        Directory.CreateDirectory(paths.ConsoleLogDir);
        RotateConsoleLog(d.Files.ConsoleLog);
        var instance = await _launcher.StartAsync(invocation, d.Files, CancellationToken.None);
        instance.Qmp.DefaultTimeout = context.Options.QmpTimeout;
        return instance;
    }

    /// <summary>name.log → name.log.1 → ... as xl rotates its logs, so each boot starts a fresh file.</summary>
    private void RotateConsoleLog(string log)
    {
        if (!File.Exists(log))
            return;
        ConsoleLogRotator.ShiftGenerations(log, context.Options.ConsoleLogGenerations);
        File.Move(log, log + ".1");
    }
}
