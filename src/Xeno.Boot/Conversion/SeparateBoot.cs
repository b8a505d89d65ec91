using System.Text;
using System.Text.RegularExpressions;
using Xeno.Boot.Disks;
using Xeno.Boot.Partitions;

namespace Xeno.Boot.Conversion;

/// <summary>
/// A guest whose /boot is a partition of its own: which partition of the disk the root
/// filesystem's fstab mounts on /boot (by UUID=, LABEL=, /dev/disk/by-uuid/ or a device name
/// such as /dev/xvda1, /dev/sda1, /dev/vda1).
/// </summary>
public static partial class SeparateBoot
{
    [GeneratedRegex(@"^/dev/(?:xv|s|v|h)d[a-z]+p?(\d+)$")]
    private static partial Regex DeviceName();

    /// <summary>The /boot partition of <paramref name="disk"/>, or null when fstab mounts none.</summary>
    public static Partition? Find(string fstab, GuestDisk disk, IReadOnlyDictionary<int, string> uuids)
    {
        if (Resolve(fstab, uuids, Labels(disk)) is not { } number) return null;
        return disk.Partitions.FirstOrDefault(p => p.Number == number)
            ?? throw new ConversionRefusedException($"/etc/fstab mounts /boot from partition {number}, which the disk does not have");
    }

    /// <summary>
    /// The partition number fstab's /boot line names, null without such a line. A /boot line
    /// naming a partition that is not found is refused: the boot files would be missed.
    /// </summary>
    /// <param name="uuids">Partition number → filesystem UUID.</param>
    /// <param name="labels">Partition number → filesystem label.</param>
    public static int? Resolve(string fstab, IReadOnlyDictionary<int, string> uuids, IReadOnlyDictionary<int, string> labels)
    {
        foreach (var raw in fstab.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || !IsBoot(Unescape(fields[1], Octal(), 8))) continue;
            var spec = Unescape(fields[0], Octal(), 8);
            int? found = spec switch
            {
                _ when spec.StartsWith("UUID=", StringComparison.Ordinal) => Lookup(uuids, Unquote(spec[5..])),
                _ when spec.StartsWith("/dev/disk/by-uuid/", StringComparison.Ordinal) => Lookup(uuids, Unescape(spec["/dev/disk/by-uuid/".Length..], Hex(), 16)),
                _ when spec.StartsWith("LABEL=", StringComparison.Ordinal) => Lookup(labels, Unquote(spec[6..])),
                _ when spec.StartsWith("/dev/disk/by-label/", StringComparison.Ordinal) => Lookup(labels, Unescape(spec["/dev/disk/by-label/".Length..], Hex(), 16)),
                _ when DeviceName().Match(spec) is { Success: true } m && int.TryParse(m.Groups[1].Value, out var n) => n,
                _ => null,
            };
            return found ?? throw new ConversionRefusedException(
                $"/etc/fstab mounts /boot from {spec}, which names no partition of the disk Xeno can find: nothing changed");
        }
        return null;
    }

    private static string Unquote(string value) => value.Trim('"', '\'');

    /// <summary>"/boot", also as "/boot/" or "//boot" (mount and systemd take them all for /boot).</summary>
    private static bool IsBoot(string mountPoint) =>
        string.Join('/', mountPoint.Split('/', StringSplitOptions.RemoveEmptyEntries)) == "boot" && mountPoint.StartsWith('/');

    /// <summary>fstab(5)'s escapes in a field: a blank in a label is \040, a backslash \134.</summary>
    [GeneratedRegex(@"\\([0-3][0-7]{2})")]
    private static partial Regex Octal();

    /// <summary>udev's escapes in /dev/disk/by-label/ names: a blank is \x20.</summary>
    [GeneratedRegex(@"\\x([0-9a-fA-F]{2})")]
    private static partial Regex Hex();

    /// <summary>The bytes the escapes stand for, read as UTF-8 (a label's é may come as two escapes).</summary>
    private static string Unescape(string value, Regex escapes, int radix)
    {
        if (!value.Contains('\\')) return value;
        var bytes = new List<byte>(value.Length);
        int at = 0;
        foreach (Match m in escapes.Matches(value))
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(value[at..m.Index]));
            bytes.Add(Convert.ToByte(m.Groups[1].Value, radix));
            at = m.Index + m.Length;
        }
        bytes.AddRange(Encoding.UTF8.GetBytes(value[at..]));
        return new UTF8Encoding(false, false).GetString([.. bytes]);
    }

    private static int? Lookup(IReadOnlyDictionary<int, string> names, string wanted)
    {
        foreach (var (number, name) in names)
        {
            if (string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase)) return number;
        }
        return null;
    }

    /// <summary>The volume label of each ext2/3/4 partition (superblock offset 0x78, 16 bytes).</summary>
    private static Dictionary<int, string> Labels(GuestDisk disk) => GuestSnapshotReader.FromSuperblocks(disk, superblock =>
    {
        if (superblock[0x38] != 0x53 || superblock[0x39] != 0xEF) return null;
        var label = Encoding.UTF8.GetString(superblock.AsSpan(0x78, 16)).TrimEnd('\0');
        return label.Length > 0 ? label : null;
    });
}
