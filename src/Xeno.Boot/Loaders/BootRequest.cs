namespace Xeno.Boot.Loaders;

/// <summary>What the caller asks of the bootloader (pygrub's command-line choices).</summary>
public sealed record BootRequest
{
    /// <summary>Entry to boot: a number or a title (pygrub --entry).</summary>
    public string? Entry { get; init; }

    /// <summary>Kernel path inside the guest; skips the boot config (pygrub --kernel).</summary>
    public string? Kernel { get; init; }

    /// <summary>Ramdisk path inside the guest, used with <see cref="Kernel"/> (pygrub --ramdisk).</summary>
    public string? Ramdisk { get; init; }

    /// <summary>Appended to the entry's kernel arguments after a blank (pygrub --args).</summary>
    public string Args { get; init; } = "";

    /// <summary>Kernel arguments for an entry that has none (XenServer's --default_args).</summary>
    public string? DefaultArgs { get; init; }

    /// <summary>Appended after everything else (XenServer's --extra_args).</summary>
    public string? ExtraArgs { get; init; }

    /// <summary>
    /// An interactive menu (pygrub -i): given the menu and the entry pygrub would boot, returns
    /// the index to boot. Null: no menu is shown.
    /// </summary>
    public Func<BootMenu, int, int>? Menu { get; init; }

    /// <summary>Only look for a filesystem at this byte offset (pygrub --offset).</summary>
    public long? Offset { get; init; }
}
