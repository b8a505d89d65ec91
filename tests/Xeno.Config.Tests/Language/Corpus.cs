namespace Xeno.Config.Tests.Language;

/// <summary>
/// Config texts for the randomized tests: the lines starting with a lowercase letter from the seed
/// documents in /work/shared/seeds/003* and 004* (web pages about Xen guests, so config lines mixed
/// with shell and prose), and complete example configs in the style admins write.
/// </summary>
internal static class Corpus
{
    /// <summary>
    /// Document 003's lines: /proc/cpuinfo's flags, its two configs (<see cref="SeedConfigs"/>; winxp's indented
    /// second disk line is not among them), `xl list` rows and a guest's shell.
    /// </summary>
    public static readonly string SeedLines003 = string.Join('\n',
    [
        "flags           : fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat \\",
        .. LowercaseLines(SeedConfigs.Winxp),
        .. LowercaseLines(SeedConfigs.Linux),
        "winxp                 2     1024     2 -b----     92.5",
        "linux                 3      256     1 r-----    312.1",
        "linux-domU$ uptime ",
        "linux-domU$ ^]",
    ]);

    public const string SeedLines004 = """
export LINUX_ROOT_DEVICE="LABEL=PRGMRDISK1"
grub2-mkconfig -o /boot/grub2/grub.cfg
grub-mkconfig -o /boot/grub/grub.cfg
sed -i -e 's/console=hvc0/console=ttyS0/' -e 's/xencons=tty0//' /boot/grub/menu.lst
lrwxrwxrwx 1 root root 0 Nov  1 03:35 sr0 -> ../devices/pci0000:00/0000:00:01.1/ata2/host1/target1:0:1/1:0:1:0/block/sr0
lrwxrwxrwx 1 root root 0 Nov  1 03:35 xvda -> ../devices/vbd-768/block/xvda
""";

    public const string WindowsHvm = SeedConfigs.Winxp;

    public const string ModernPvh = """
        # PVH guest booted through pygrub
        name = "web01"
        type = "pvh"
        memory = 2048
        maxmem = 0x1000
        vcpus = 2; maxvcpus = 4
        cpus = ["0-1", "2,^3"]
        bootloader = "pygrub"
        bootloader_args = [ "--kernel=/vmlinuz", ]
        disk = [
            'format=raw, vdev=xvda, access=rw, target=/srv/web01.img',
            "phy:/dev/vg0/web01-data,xvdb,w", # data
        ]
        vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]
        extra = "console=hvc0 \"quoted\" \\ backslash"
        extra += " loglevel=7"
        on_crash = 'coredump-restart'
        nested = [[1, [2, []]], '3']
        """;

    private static IEnumerable<string> LowercaseLines(string text) => text.Split('\n').Where(l => l.Length > 0 && char.IsAsciiLetterLower(l[0]));

    public static IReadOnlyList<string> Configs()
    {
        var all = new List<string> { SeedLines003 + "\n", SeedLines004 + "\n", WindowsHvm, ModernPvh };
        foreach (var text in new[] { SeedLines003, SeedLines004 })
            all.AddRange(text.Split('\n').Select(l => l + "\n"));
        return all;
    }
}
