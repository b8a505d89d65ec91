namespace Xeno.Config.Domain;

/// <summary>
/// Rescue mode: a domain's own config booted on a rescue kernel and initramfs instead of its
/// system, as a pv guest with all its disks attached (not mounted), so its owner can repair a
/// system that does not boot from a shell on the console. The config is the guest's, with the
/// overrides below appended the way `xl create cfg key=value` appends them, and the bootloader
/// dropped (pygrub would otherwise boot the broken system). Everything else (name, memory,
/// vcpus, disks, vifs) is the guest's own. See docs/guests.md, "Rescue mode".
/// </summary>
public static class RescueBoot
{
    /// <summary>The kit's initramfs gives a root shell on the console with xeno.action=shell; its guest agent stays on for xl shutdown.</summary>
    public const string CommandLine = "console=hvc0 xeno.action=shell xeno.rescue=1";

    /// <summary>xl.cfg lines that turn any guest config into its rescue boot.</summary>
    public static IReadOnlyList<string> Overrides(string kernel, string ramdisk) =>
    [
        "type=\"pv\"",
        $"kernel=\"{Checked(kernel, "rescue kernel")}\"",
        $"ramdisk=\"{Checked(ramdisk, "rescue ramdisk")}\"",
        $"cmdline=\"{CommandLine}\"",
    ];

    /// <summary>The built spec without its bootloader: the rescue kernel is booted directly.</summary>
    public static DomainSpec Apply(DomainSpec spec) => spec with { Bootloader = null, BootloaderArgs = [] };

    /// <summary>xl.cfg strings cannot carry these; a path holding one is refused rather than mangled.</summary>
    private static string Checked(string path, string what)
    {
        if (path.IndexOfAny(['"', '\\', '\n', '\r']) >= 0 || path.Length == 0)
            throw new ArgumentException($"{what} path '{path}' cannot be written in an xl.cfg string (empty, or holds a quote, backslash or newline)");
        return path;
    }
}
