using Xeno.Boot.Conversion;

namespace Xeno.Boot.Tests.Conversion;

/// <summary>
/// fstab comes from the guest's disk: random fstabs (comments, other mounts, duplicates, UUID=,
/// LABEL=, PARTUUID=, /dev/disk/by-*/ and device names, quotes, fstab's \040 and udev's \x20
/// escapes, odd blanks, CR LF, junk) give the partition their first /boot line names, or the
/// planner's refusal where it names none Xeno can find; never another exception.
/// </summary>
public sealed class SeparateBootFuzzTests
{
    private const int Refused = -1;

    private sealed record Disk(Dictionary<int, string> Uuids, Dictionary<int, string> Labels);

    private static string Blank(Random random) => random.Next(4) switch { 0 => "\t", 1 => " \t ", 2 => new string(' ', random.Next(2, 6)), _ => " " };

    private static string Label(Random random)
    {
        const string chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. #\t\\é";
        return new string([.. Enumerable.Range(0, random.Next(1, 17)).Select(_ => chars[random.Next(chars.Length)])]).Trim();
    }

    private static Disk RandomDisk(Random random)
    {
        var uuids = new Dictionary<int, string>();
        var labels = new Dictionary<int, string>();
        foreach (var n in Enumerable.Range(1, random.Next(1, 6)))
        {
            if (random.Next(4) > 0) uuids[n] = Guid.NewGuid().ToString();
            var label = Label(random);
            if (label.Length > 0 && random.Next(3) > 0 && !labels.Values.Contains(label, StringComparer.OrdinalIgnoreCase)) labels[n] = label;
        }
        return new Disk(uuids, labels);
    }

    /// <summary>As fstab(5) wants blanks and backslashes in a field: octal escapes.</summary>
    private static string FstabEscaped(string value) =>
        value.Replace("\\", "\\134", StringComparison.Ordinal).Replace(" ", "\\040", StringComparison.Ordinal).Replace("\t", "\\011", StringComparison.Ordinal);

    /// <summary>As udev names /dev/disk/by-label/ links: blanks and backslashes as \xNN (fstab takes such a path as it is).</summary>
    private static string UdevEscaped(string value) =>
        string.Concat(value.Select(c => c is ' ' or '\t' or '\\' ? $"\\x{(int)c:x2}" : c.ToString()));

    private static string Quoted(Random random, string value) => random.Next(4) switch { 0 => $"\"{value}\"", 1 => $"'{value}'", _ => value };

    /// <summary>A spec for /boot and the partition it names (or <see cref="Refused"/>).</summary>
    private static (string Spec, int Expected) BootSpec(Random random, Disk disk)
    {
        var numbers = Enumerable.Range(1, 5).ToArray();
        int number = numbers[random.Next(numbers.Length)];
        switch (random.Next(8))
        {
            case 0 when disk.Uuids.TryGetValue(number, out var uuid):
                return ($"UUID={Quoted(random, random.Next(3) == 0 ? uuid.ToUpperInvariant() : uuid)}", number);
            case 1 when disk.Uuids.TryGetValue(number, out var uuid):
                return ($"/dev/disk/by-uuid/{uuid}", number);
            case 2 when disk.Labels.TryGetValue(number, out var label):
                return ($"LABEL={(label.Any(c => c is ' ' or '\t' or '\\') || random.Next(2) == 0 ? FstabEscaped(label) : Quoted(random, label))}", number);
            case 3 when disk.Labels.TryGetValue(number, out var label):
                return ($"/dev/disk/by-label/{UdevEscaped(label)}", number);
            case 4:
                var device = new[] { "xvda", "sda", "vda", "hda", "xvdb" }[random.Next(5)];
                return ($"/dev/{device}{number}", number);
            case 5:
                return ($"PARTUUID={Guid.NewGuid()}-0{number}", Refused);
            case 6:
                return ($"UUID={Guid.NewGuid()}", Refused);
            default:
                return (random.Next(2) == 0 ? "/dev/nvme0n1p" + number : "LABEL=" + ConversionFuzzTests.Junk(random, 6).Replace(' ', '_').Replace('\t', '_') + "\u2603", Refused);
        }
    }

    private static string Line(Random random, string spec, string mountPoint) =>
        (random.Next(4) == 0 ? Blank(random) : "") + spec + Blank(random) + mountPoint + Blank(random) +
        new[] { "ext2", "ext4", "vfat", "auto" }[random.Next(4)] + Blank(random) + "defaults" + Blank(random) + "0" + Blank(random) + "2" +
        (random.Next(8) == 0 ? Blank(random) : "");

    /// <summary>An fstab, and the partition its first /boot line names (null: no /boot line).</summary>
    private static (string Fstab, int? Expected) RandomFstab(Random random, Disk disk)
    {
        var lines = new List<string>();
        int? expected = null;
        for (int i = random.Next(8); i >= 0; i--)
        {
            switch (random.Next(10))
            {
                case 0: lines.Add("#" + Line(random, BootSpec(random, disk).Spec, "/boot")); break;
                case 1: lines.Add(random.Next(2) == 0 ? "" : Blank(random)); break;
                case 2: lines.Add(ConversionFuzzTests.Junk(random, random.Next(1, 60))); break;
                case 3 or 4:
                    var other = new[] { "/", "/boot/efi", "/bootx", "/home", "swap", "/Boot", "/boot\\040x" }[random.Next(7)];
                    lines.Add(Line(random, BootSpec(random, disk).Spec, other));
                    break;
                default:
                    var (spec, number) = BootSpec(random, disk);
                    // The same mount point for mount and systemd: "/boot/" and "//boot" are /boot.
                    lines.Add(Line(random, spec, new[] { "/boot", "/boot", "/boot/", "//boot" }[random.Next(4)]));
                    expected ??= number; // a duplicate /boot line: the first one counts
                    break;
            }
        }
        var newline = random.Next(4) == 0 ? "\r\n" : "\n";
        return (string.Join(newline, lines) + (random.Next(5) == 0 ? "" : newline), expected);
    }

    [Fact]
    public void RandomFstabsGiveTheFirstBootLinesPartitionOrARefusal()
    {
        const int seed = 4040;
        var random = new Random(seed);
        for (int i = 0; i < 20000; i++)
        {
            var disk = RandomDisk(random);
            var (fstab, expected) = RandomFstab(random, disk);
            var where = $"seed {seed} case {i}: uuids {string.Join(',', disk.Uuids)} labels {string.Join(',', disk.Labels)}\n{fstab}";
            int? found;
            try
            {
                found = SeparateBoot.Resolve(fstab, disk.Uuids, disk.Labels);
            }
            catch (ConversionRefusedException e)
            {
                Assert.True(expected == Refused, $"{where}\nrefused ({e.Message}), expected {expected}");
                Assert.Contains("/boot", e.Message);
                continue;
            }
            Assert.True(found == expected, $"{where}\nfound {found}, expected {expected}");
        }
    }

    [Fact]
    public void JunkFstabsGiveAPartitionNumberOrARefusal()
    {
        const int seed = 4041;
        var random = new Random(seed);
        string[] pieces = ["/boot", " ", "\t", "\n", "\r\n", "#", "UUID=", "LABEL=", "\"", "'", "\\040", "\\", "/dev/xvda", "/dev/disk/by-label/", "\\x2", "99999999999", "1"];
        for (int i = 0; i < 20000; i++)
        {
            var fstab = random.Next(3) == 0
                ? ConversionFuzzTests.Junk(random, random.Next(0, 400))
                : string.Concat(Enumerable.Range(0, random.Next(30)).Select(_ => random.Next(5) == 0 ? ConversionFuzzTests.Junk(random, 3) : pieces[random.Next(pieces.Length)]));
            try
            {
                int? found = SeparateBoot.Resolve(fstab, new Dictionary<int, string> { [1] = "1" }, new Dictionary<int, string> { [2] = "\\" });
                Assert.True(found is null or >= 0, $"seed {seed} case {i}: {found}");
            }
            catch (ConversionRefusedException)
            {
            }
        }
    }
}
