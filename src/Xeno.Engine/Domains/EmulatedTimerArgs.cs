using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Domains;

/// <summary>
/// Kernel arguments a pv or pvh guest gets only under TCG. Linux probes the 8254 timer through
/// the IO-APIC at boot (check_timer) by waiting a few ticks' worth of TSC cycles for timer
/// interrupts; on a loaded host QEMU's timer thread does not run within that window, every route
/// "fails" and the kernel panics ("IO-APIC + timer doesn't work!") 0.1 s into boot, before any
/// console exists: a silent hang. On Xen a pv kernel never touches the 8254, and under KVM Linux
/// skips the probe by itself (kvmclock sets no_timer_check), so Xeno passes the same switch.
/// Pure.
/// </summary>
internal static class EmulatedTimerArgs
{
    public const string NoTimerCheck = "no_timer_check";

    public static string For(string cmdline, GuestKind kind, Accelerator accelerator)
    {
        if (accelerator != Accelerator.Tcg || kind == GuestKind.Hvm)
            return cmdline;
        var words = cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        // Words after "--" belong to init, not the kernel.
        int initArgs = words.IndexOf("--");
        var kernelWords = initArgs < 0 ? words : words[..initArgs];
        if (kernelWords.Contains(NoTimerCheck))
            return cmdline;
        words.Insert(initArgs < 0 ? words.Count : initArgs, NoTimerCheck);
        return string.Join(' ', words);
    }
}
