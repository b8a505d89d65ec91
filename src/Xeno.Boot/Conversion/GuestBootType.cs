namespace Xeno.Boot.Conversion;

/// <summary>
/// What a guest system is prepared to boot as. pv and pvh look the same from inside the guest
/// (xeno-pygrub or a direct kernel, the console on hvc0), so both are <see cref="Pv"/>.
/// </summary>
public enum GuestBootType
{
    /// <summary>Paravirtualized (pv/pvh): console hvc0, kernel picked by pygrub from the guest's grub config.</summary>
    Pv,

    /// <summary>Fully virtualized: BIOS and the guest's own GRUB on ttyS0, console ttyS0.</summary>
    Hvm,
}

/// <summary>Names of the consoles each boot type gives a Linux guest.</summary>
public static class GuestConsoles
{
    /// <summary>The serial line a guest of <paramref name="type"/> logs in on.</summary>
    public static string For(GuestBootType type) => type == GuestBootType.Hvm ? "ttyS0" : "hvc0";

    /// <summary>The kernel's console= word for that line (ttyS0 needs its speed; hvc0 has none).</summary>
    public static string KernelArgument(GuestBootType type) =>
        type == GuestBootType.Hvm ? "console=ttyS0,115200n8" : "console=hvc0";

    /// <summary>Console lines of the other type (xvc0 is hvc0's name on old Xen kernels).</summary>
    public static IReadOnlyList<string> Others(GuestBootType type) =>
        type == GuestBootType.Hvm ? ["hvc0", "xvc0"] : ["ttyS0"];

    public static string Name(GuestBootType type) => type == GuestBootType.Hvm ? "hvm" : "pv";
}
