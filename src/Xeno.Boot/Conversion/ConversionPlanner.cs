using System.Text.RegularExpressions;

namespace Xeno.Boot.Conversion;

/// <summary>The changes that prepare a guest system for another boot type, and what was found.</summary>
/// <param name="Distribution">As the guest names itself (os-release's PRETTY_NAME, or a release file).</param>
/// <param name="BootSetup">The boot configurations found, e.g. "grub 2 (/boot/grub/grub.cfg, /etc/default/grub)".</param>
/// <param name="InitSystems">The getty setups found: "systemd", "sysvinit", "upstart".</param>
/// <param name="Notes">What was left alone and why.</param>
public sealed record ConversionPlan(
    GuestBootType Target,
    string Distribution,
    string BootSetup,
    IReadOnlyList<string> InitSystems,
    IReadOnlyList<GuestFileChange> Changes,
    IReadOnlyList<string> Notes)
{
    public string Diff() => string.Concat(Changes.Select(c => c.Diff()));
}

/// <summary>A guest system the conversion does not know how to change; nothing was changed.</summary>
public sealed class ConversionRefusedException(string message) : Exception(message);

/// <summary>
/// Decides, from a <see cref="GuestSnapshot"/> alone, which files of a Linux guest change when it
/// moves between pv and hvm (the steps the XVM, prgmr and SUSE documents give an admin): console
/// and device names on the kernel command lines of grub.cfg, menu.lst and /etc/default/grub,
/// GRUB's serial terminal for hvm, splash images, fstab device names, and the getty on the
/// target's console for sysvinit, upstart and systemd. No I/O.
/// </summary>
public static partial class ConversionPlanner
{
    public const string Grub2Config = "/boot/grub/grub.cfg";
    public const string Grub2RedHatConfig = "/boot/grub2/grub.cfg";
    public const string GrubDefaults = "/etc/default/grub";
    public const string MenuLst = "/boot/grub/menu.lst";
    public const string Fstab = "/etc/fstab";
    public const string Inittab = "/etc/inittab";

    /// <summary>extlinux's configs where Debian's extlinux and other distributions put them (as pygrub looks for them).</summary>
    public static IReadOnlyList<string> ExtlinuxConfigs { get; } = ["/boot/extlinux/extlinux.conf", "/boot/extlinux.conf", "/extlinux.conf"];

    /// <summary>Every file the planner may read; a snapshot holds those that exist.</summary>
    public static IReadOnlyList<string> FilesToRead { get; } =
    [
        "/etc/os-release", "/usr/lib/os-release", "/etc/debian_version", "/etc/redhat-release", "/etc/lsb-release",
        Grub2Config, Grub2RedHatConfig, GrubDefaults, MenuLst, Fstab, Inittab,
        "/boot/extlinux/extlinux.conf", "/boot/extlinux.conf", "/extlinux.conf",
        "/etc/init/hvc0.conf", "/etc/init/xvc0.conf", "/etc/init/ttyS0.conf",
    ];

    [GeneratedRegex("^PRETTY_NAME=(.*)$", RegexOptions.Multiline)]
    private static partial Regex PrettyName();

    public static ConversionPlan Plan(GuestSnapshot snapshot, GuestBootType target)
    {
        var distribution = Distribution(snapshot)
            ?? throw new ConversionRefusedException(
                "no recognisable Linux system: none of /etc/os-release, /usr/lib/os-release, /etc/debian_version, /etc/redhat-release, /etc/lsb-release");
        if (snapshot.Text(Fstab) is null)
            throw new ConversionRefusedException($"{distribution}: no /etc/fstab on the root filesystem");

        var uuids = snapshot.PartitionUuids;
        var changes = new List<GuestFileChange>();
        var notes = new List<string>();
        var boot = new List<string>();

        void Edit(string path, Func<string, string> edit)
        {
            if (snapshot.Text(path) is not { } before) return;
            var after = EditKeepingCrlf(before, edit);
            if (after != before) changes.Add(GuestFileChange.Write(path, before, after));
        }

        foreach (var cfg in new[] { Grub2Config, Grub2RedHatConfig })
        {
            if (snapshot.Text(cfg) is null) continue;
            boot.Add(cfg);
            Edit(cfg, text => GrubConfigEditor.RetargetGrub2(text, target, uuids));
        }
        if (snapshot.Text(GrubDefaults) is not null)
        {
            boot.Add(GrubDefaults);
            Edit(GrubDefaults, text => GrubDefaultsEditor.Retarget(text, target, uuids));
        }
        if (snapshot.Text(MenuLst) is not null)
        {
            boot.Add(MenuLst);
            Edit(MenuLst, text => GrubConfigEditor.RetargetMenuLst(text, target, uuids));
        }
        foreach (var cfg in ExtlinuxConfigs)
        {
            if (snapshot.Text(cfg) is null) continue;
            boot.Add(cfg);
            Edit(cfg, text => ExtlinuxConfigEditor.Retarget(text, target, uuids));
        }
        if (boot.Count == 0)
            throw new ConversionRefusedException(
                $"{distribution}: no boot configuration found ({Grub2Config}, {Grub2RedHatConfig}, {MenuLst}, {string.Join(", ", ExtlinuxConfigs)}), " +
                "on the root filesystem nor on the /boot partition its fstab names");

        Edit(Fstab, text => FstabEditor.Retarget(text, uuids, notes));

        var inits = new List<string>();
        if (snapshot.HasSystemdSerialGetty)
        {
            inits.Add("systemd");
            changes.AddRange(GettyEditor.RetargetSystemd(snapshot, target));
        }
        if (snapshot.Text(Inittab) is not null)
        {
            inits.Add("sysvinit");
            Edit(Inittab, text => GettyEditor.RetargetInittab(text, target));
        }
        if (new[] { "hvc0", "xvc0", "ttyS0" }.Any(l => snapshot.Text($"/etc/init/{l}.conf") is not null))
        {
            inits.Add("upstart");
            changes.AddRange(GettyEditor.RetargetUpstart(snapshot, target));
        }
        if (inits.Count == 0) notes.Add("no getty setup found (systemd, /etc/inittab, /etc/init/*.conf): the login prompt is not changed");
        if (snapshot.Text(Grub2Config) is not null || snapshot.Text(Grub2RedHatConfig) is not null)
        {
            notes.Add(snapshot.Text(GrubDefaults) is not null
                ? "grub.cfg is regenerated from the edited /etc/default/grub by the guest's own grub-mkconfig (the diff of a dry run shows it edited in place)"
                : "grub.cfg is edited in place (no /etc/default/grub to regenerate it from)");
        }

        var bootSetup = string.Join(", ", boot);
        return new ConversionPlan(target, distribution, bootSetup, inits, changes, notes);
    }

    /// <summary>
    /// The editors work on LF lines and rebuild the lines they change from words, which would drop
    /// the CR of a file written with CR LF (on Windows) from those lines only: such a file is
    /// edited as LF text and gets its CR LF back, new lines included.
    /// </summary>
    private static string EditKeepingCrlf(string text, Func<string, string> edit)
    {
        int lineEnds = text.Count(c => c == '\n');
        if (lineEnds == 0 || text.Split("\r\n").Length - 1 != lineEnds) return edit(text);
        return edit(text.Replace("\r\n", "\n", StringComparison.Ordinal)).Replace("\n", "\r\n", StringComparison.Ordinal);
    }

    private static string? Distribution(GuestSnapshot snapshot)
    {
        foreach (var osRelease in new[] { "/etc/os-release", "/usr/lib/os-release" })
        {
            if (snapshot.Text(osRelease) is { } text && PrettyName().Match(text) is { Success: true } m)
                return m.Groups[1].Value.Trim().Trim('"', '\'');
        }
        if (snapshot.Text("/etc/debian_version") is { } debian) return $"Debian {debian.Trim()}";
        if (snapshot.Text("/etc/redhat-release") is { } redhat) return redhat.Trim();
        if (snapshot.Text("/etc/lsb-release") is not null) return "an LSB distribution";
        return null;
    }
}
