using System.Security.Cryptography;
using System.Text;

namespace Xeno.Boot.ChainLoad;

/// <summary>
/// The grub.cfg of Xeno's GRUB chain-load CD (prgmr's way to boot a pv guest's disk as hvm):
/// serial console on, then the first guest GRUB configuration found on the attached disks is
/// read into this GRUB's own menu (grub 2 configs with <c>source</c>, grub legacy menu.lst with
/// GRUB 2's <c>legacy_source</c>), with the guest's <c>grubenv</c> next to it loaded first so
/// saved entries count. Pure: the text only; building the ISO is the caller's job.
/// </summary>
public static class ChainloadCdConfig
{
    /// <summary>Guest configs in the order tried (each is searched on every disk before the next), and their kind.</summary>
    public static readonly IReadOnlyList<(string Path, bool Legacy)> Candidates =
    [
        ("/boot/grub/grub.cfg", false),
        ("/grub/grub.cfg", false),
        ("/boot/grub2/grub.cfg", false),
        ("/grub2/grub.cfg", false),
        ("/boot/grub/menu.lst", true),
        ("/grub/menu.lst", true),
        ("/boot/grub/grub.conf", true),
        ("/grub/grub.conf", true),
    ];

    /// <summary>Filesystems whose GRUB drivers are loaded before searching (GRUB probes only loaded ones).</summary>
    public static readonly IReadOnlyList<string> FileSystemModules = ["ext2", "xfs", "btrfs", "fat", "part_msdos", "part_gpt"];

    /// <summary>The line the CD prints before it reads a guest config (tests wait for it).</summary>
    public const string BootingBanner = "Xeno chain-load CD: reading";

    /// <summary>The line the CD prints when no disk has a config.</summary>
    public const string NotFoundBanner = "Xeno chain-load CD: no GRUB configuration found on the attached disks";

    public static string Text(int serialUnit = 0, int speed = 115200)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serialUnit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        var sb = new StringBuilder();
        sb.Append("# Xeno GRUB chain-load CD (docs/guests.md): reads the guest's own GRUB configuration.\n");
        sb.Append($"serial --unit={serialUnit} --speed={speed}\n");
        sb.Append("terminal_input serial console\nterminal_output serial console\n");
        foreach (var module in FileSystemModules) sb.Append($"insmod {module}\n");
        sb.Append("insmod legacycfg\n");
        // The CD itself also has /boot/grub/grub.cfg (this file); GRUB searches hard disks
        // first, and a hit on the CD is skipped anyway.
        sb.Append("set xeno_cd=\"$root\"\nset xeno_found=\"\"\n");
        foreach (var (path, legacy) in Candidates)
        {
            var dir = path[..path.LastIndexOf('/')];
            sb.Append("if [ -z \"$xeno_found\" ]; then\n");
            sb.Append($"  if search --no-floppy --file --set=xeno_dev {path}; then\n");
            sb.Append("    if [ \"$xeno_dev\" != \"$xeno_cd\" ]; then\n");
            sb.Append("      set xeno_found=1\n      set root=\"$xeno_dev\"\n");
            sb.Append($"      if [ -s ($root){dir}/grubenv ]; then load_env -f ($root){dir}/grubenv; fi\n");
            sb.Append($"      echo \"{BootingBanner} ($root){path}\"\n");
            sb.Append(legacy ? $"      legacy_source {path}\n" : $"      source {path}\n");
            sb.Append("    fi\n  fi\nfi\n");
        }
        sb.Append($"if [ -z \"$xeno_found\" ]; then echo \"{NotFoundBanner}\"; fi\n");
        return sb.ToString();
    }

    /// <summary>
    /// The cache key of a CD: this config and the GRUB build that makes it (the caller passes
    /// bytes that identify it, e.g. grub-pc-bin's modinfo.sh, which names the package version).
    /// </summary>
    public static string CacheKey(string configText, ReadOnlySpan<byte> grubIdentity)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes("xeno-chainload-cd/1\n" + configText));
        hash.AppendData(grubIdentity);
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
