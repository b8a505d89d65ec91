using System.Text;
using Xeno.Boot.Conversion;

namespace Xeno.Boot.Tests.Conversion;

/// <summary>
/// Guest files are untrusted text: generated and mutated configs never make the planner fail
/// other than by refusing, a converted system needs no second conversion, and every kernel line
/// of a converted boot menu ends up with the target's console as its last console=.
/// </summary>
public sealed class ConversionFuzzTests
{
    private static readonly string[] Words =
    [
        "console=hvc0", "console=xvc0", "console=ttyS0", "console=ttyS0,115200n8", "console=tty0", "xencons=tty",
        "root=/dev/xvda1", "root=/dev/sda2", "root=/dev/vda1", "root=UUID=1-2", "ro", "quiet", "\"a b\"", "'x", "=", "",
    ];

    private static string Line(Random random)
    {
        if (random.Next(5) == 0)
            return ExtlinuxLine(random);
        var prefix = random.Next(8) switch
        {
            0 => "\tlinux\t/vmlinuz ", 1 => "  kernel /boot/vmlinuz ", 2 => "GRUB_CMDLINE_LINUX=\"", 3 => "# kopt=",
            4 => "splashimage=(hd0,0)/x", 5 => "serial --unit=0", 6 => "hvc0:2345:respawn:/sbin/getty hvc0", _ => "",
        };
        var words = Enumerable.Range(0, random.Next(6)).Select(_ => Words[random.Next(Words.Length)]);
        var line = prefix + string.Join(random.Next(4) == 0 ? "\t" : " ", words);
        // Now and then a byte of noise anywhere.
        if (random.Next(5) == 0 && line.Length > 0)
            line = line.Insert(random.Next(line.Length), ((char)random.Next(1, 0x3000)).ToString());
        return line;
    }

    // ---- extlinux ----------------------------------------------------------------------

    private static readonly string[] ExtlinuxKeywords = ["DEFAULT", "LABEL", "KERNEL", "LINUX", "APPEND", "SERIAL", "INITRD", "MENU LABEL", "TIMEOUT", "PROMPT", "INCLUDE"];

    private static readonly string[] Blanks = [" ", "  ", "\t", " \t ", "\v", "\f", "\u00a0", "\r"];

    /// <summary>The keyword as a person or a tool may spell it: any case, and now and then glued to its value or misspelt.</summary>
    private static string Keyword(Random random, string keyword)
    {
        var spelt = string.Concat(keyword.Select(c => random.Next(2) == 0 ? char.ToLowerInvariant(c) : c));
        return random.Next(15) switch
        {
            0 => spelt + "X",
            1 => spelt[..^1],
            _ => spelt,
        };
    }

    private static string Console(Random random) => random.Next(12) switch
    {
        0 => "console=hvc0", 1 => "console=xvc0", 2 => "console=ttyS0", 3 => "console=ttyS0,115200n8", 4 => "console=ttyS1,9600",
        5 => "console=tty0", 6 => "console=tty1", 7 => "console=", 8 => "console=hvc0,x", 9 => "CONSOLE=hvc0",
        10 => "console=ttyS" + random.Next(100), _ => "console=" + (char)random.Next(0x21, 0x7f),
    };

    private static string Root(Random random)
    {
        var disk = new[] { "xvd", "sd", "hd", "vd", "nvme0n1p", "mmcblk0p" }[random.Next(6)];
        var letters = random.Next(6) == 0 ? "aa" : ((char)('a' + random.Next(4))).ToString();
        return random.Next(6) switch
        {
            0 => $"root=UUID={Guid.NewGuid()}",
            1 => "root=LABEL=root",
            2 => "root=PARTUUID=abc-01",
            3 => $"root=/dev/{disk}{(disk.EndsWith('p') ? "" : letters)}",
            _ => $"root=/dev/{disk}{(disk.EndsWith('p') ? "" : letters)}{random.Next(random.Next(3) == 0 ? 100_000 : 6)}",
        };
    }

    private static string Argument(Random random) => random.Next(10) switch
    {
        0 or 1 or 2 => Console(random),
        3 or 4 => Root(random),
        5 => "initrd=/boot/initrd.img-6.1.0-57-amd64",
        6 => new[] { "xencons=tty", "xencons=xvc", "ro", "quiet", "single", "---" }[random.Next(6)],
        7 => new[] { "\"a b\"", "'x", "\"", "acpi=\"off", "foo=console=hvc0" }[random.Next(5)],
        8 => Words[random.Next(Words.Length)],
        _ => Junk(random, random.Next(1, 12)),
    };

    /// <summary>Bytes off a damaged disk, read as the snapshot reader reads files (UTF-8, bad bytes replaced).</summary>
    internal static string Junk(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return new UTF8Encoding(false, false).GetString(bytes).Replace('\n', ' ');
    }

    private static string Blank(Random random) => Blanks[random.Next(Blanks.Length)];

    /// <summary>One line of an extlinux.conf (or something that looks like one).</summary>
    internal static string ExtlinuxLine(Random random)
    {
        var indent = random.Next(3) switch { 0 => "", 1 => "\t", _ => new string(' ', random.Next(1, 5)) };
        var keyword = ExtlinuxKeywords[random.Next(ExtlinuxKeywords.Length)];
        int count = random.Next(30) == 0 ? random.Next(500, 3000) : random.Next(8); // now and then an overlong line
        var value = keyword switch
        {
            "APPEND" => string.Concat(Enumerable.Range(0, count).Select(_ => Blank(random) + Argument(random))),
            "SERIAL" => random.Next(3) switch { 0 => "", 1 => " 0 115200", _ => " " + random.Next(4) + " " + random.Next(9600, 115201) },
            "DEFAULT" or "LABEL" => Blank(random) + (random.Next(4) == 0 ? Junk(random, 6) : "l" + random.Next(3)),
            "KERNEL" or "LINUX" => Blank(random) + (random.Next(3) == 0 ? "mboot.c32" : "/boot/vmlinuz-6.1.0-57-amd64"),
            _ => random.Next(2) == 0 ? "" : Blank(random) + random.Next(100),
        };
        var line = random.Next(12) switch
        {
            0 => "# " + Keyword(random, keyword) + value,
            1 => Junk(random, random.Next(1, 40)),
            _ => indent + Keyword(random, keyword) + value + (random.Next(8) == 0 ? Blank(random) : ""),
        };
        return line;
    }

    private static string ExtlinuxText(Random random)
    {
        string newline = random.Next(4) == 0 ? "\r\n" : "\n";
        var text = string.Concat(Enumerable.Range(0, random.Next(14)).Select(_ => ExtlinuxLine(random) + newline));
        return random.Next(6) == 0 && text.Length > 0 ? text[..^newline.Length] : text;
    }

    /// <summary>As syslinux reads the directives the editor touches (keywords are case-insensitive).</summary>
    private static readonly System.Text.RegularExpressions.Regex AppendLine = new(@"^(\s*append)(\s.*)?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static readonly System.Text.RegularExpressions.Regex SerialLine = new(@"^\s*serial(\s|$)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>
    /// extlinux menus with random consoles, root= names, keywords in any case, odd blanks, overlong
    /// lines and junk: the planner refuses or plans; a second conversion changes nothing; only
    /// APPEND lines change (their keyword kept), and a SERIAL line comes in for hvm where there
    /// was none, after the leading comments only; every APPEND line it understands (no quotes)
    /// ends with the target's console and keeps no console of the other type, no xencons= under
    /// hvm, and names first-disk partitions of known UUID by UUID.
    /// </summary>
    [Fact]
    public void GeneratedExtlinuxMenusConvertOnceAndEveryAppendLineIsRetargeted()
    {
        const int seed = 20261206;
        var random = new Random(seed);
        for (int i = 0; i < 3000; i++)
        {
            var path = ConversionPlanner.ExtlinuxConfigs[random.Next(ConversionPlanner.ExtlinuxConfigs.Count)];
            var before = ExtlinuxText(random);
            var uuids = Enumerable.Range(1, 4).Where(_ => random.Next(2) == 0).ToDictionary(n => n, _ => Guid.NewGuid().ToString());
            var snapshot = new GuestSnapshot
            {
                Files = new Dictionary<string, string>
                {
                    ["/etc/debian_version"] = "12.8\n",
                    ["/etc/fstab"] = random.Next(2) == 0 ? "/dev/xvda1 / ext4 defaults 0 1\n" : Junk(random, 30),
                    [path] = before,
                },
                PartitionUuids = uuids,
            };
            var target = random.Next(2) == 0 ? GuestBootType.Pv : GuestBootType.Hvm;
            string where = $"seed {seed} case {i} ({GuestConsoles.Name(target)}): {path}:\n{before}";

            var plan = ConversionPlanner.Plan(snapshot, target);
            Assert.Contains(path, plan.BootSetup);
            var after = plan.Changes.SingleOrDefault(c => c.Path == path)?.After ?? before;
            var again = ConversionPlanner.Plan(ConversionPlannerTests.Applied(snapshot, plan), target);
            Assert.True(!again.Changes.Any(c => c.Path == path), $"{where}\na second conversion still changes it:\n{again.Diff()}");

            if (IsCrlf(before))
                Assert.True(IsCrlf(after), $"{where}\nCRLF line ends were not kept:\n{after}");

            // CRs aside (checked above): a rewritten line of a file with mixed line ends may lose its CR.
            var beforeLines = Lines(before).Select(l => l.TrimEnd('\r')).ToList();
            var afterLines = Lines(after).Select(l => l.TrimEnd('\r')).ToList();
            if (target == GuestBootType.Hvm && !beforeLines.Any(l => SerialLine.IsMatch(l)))
            {
                int at = afterLines.IndexOf(ExtlinuxConfigEditor.SerialLine);
                Assert.True(at >= 0, $"{where}\nno SERIAL line for hvm:\n{after}");
                Assert.True(afterLines.Take(at).All(l => l.TrimStart().StartsWith('#') || l.Trim().Length == 0), $"{where}\nSERIAL after a directive:\n{after}");
                afterLines.RemoveAt(at);
            }
            Assert.True(beforeLines.Count == afterLines.Count, $"{where}\nlines came or went:\n{after}");
            for (int n = 0; n < beforeLines.Count; n++)
            {
                var append = AppendLine.Match(beforeLines[n]);
                if (!append.Success)
                {
                    Assert.True(beforeLines[n] == afterLines[n], $"{where}\nline {n + 1}, no APPEND, changed to '{afterLines[n]}'");
                    continue;
                }
                var retargeted = AppendLine.Match(afterLines[n]);
                Assert.True(retargeted.Success && retargeted.Groups[1].Value == append.Groups[1].Value,
                    $"{where}\nline {n + 1}: APPEND became '{afterLines[n]}'");
                if (append.Groups[2].Value.IndexOfAny(['"', '\'']) >= 0) continue; // quotes: perhaps not understood, then left alone
                var words = retargeted.Groups[2].Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                Assert.True(words.LastOrDefault(w => w.StartsWith("console=", StringComparison.Ordinal)) == GuestConsoles.KernelArgument(target),
                    $"{where}\nline {n + 1}: '{afterLines[n]}' does not end with the target's console");
                foreach (var word in words)
                {
                    var console = word.StartsWith("console=", StringComparison.Ordinal) ? word["console=".Length..].Split(',')[0] : null;
                    Assert.False(console is not null && GuestConsoles.Others(target).Contains(console), $"{where}\nline {n + 1}: '{word}' stayed");
                    Assert.False(target == GuestBootType.Hvm && word.StartsWith("xencons=", StringComparison.Ordinal), $"{where}\nline {n + 1}: '{word}' stayed");
                    Assert.True(!word.StartsWith("root=/dev/", StringComparison.Ordinal) || DeviceNames.Portable(word[5..], uuids) is null,
                        $"{where}\nline {n + 1}: '{word}' not named by UUID");
                }
            }
        }
    }

    /// <summary>Every line ends with CR LF (a file written on Windows).</summary>
    private static bool IsCrlf(string text) => text.Contains('\n') && text.Split('\n').SkipLast(1).All(l => l.EndsWith('\r')) && text.EndsWith('\n');

    /// <summary>The lines of a config as the editors see them (a last line without a newline is a line).</summary>
    private static List<string> Lines(string text)
    {
        var lines = text.Split('\n').ToList();
        if (text.EndsWith('\n')) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static string Text(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(12)).Select(_ => Line(random) + (random.Next(6) == 0 ? "\r\n" : "\n")));

    [Fact]
    public void GeneratedSystemsConvertOnceAndEndWithTheTargetConsoleLast()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        for (int i = 0; i < 1500; i++)
        {
            var files = new Dictionary<string, string> { ["/etc/os-release"] = "PRETTY_NAME=Fuzz\n" };
            foreach (var path in ConversionPlanner.FilesToRead.Skip(5))
                if (random.Next(2) == 0) files[path] = Text(random);
            var snapshot = new GuestSnapshot
            {
                Files = files,
                HasSystemdSerialGetty = random.Next(2) == 0,
                EnabledSerialGettys = new HashSet<string>(new[] { "hvc0", "ttyS0", "xvc0" }.Where(_ => random.Next(2) == 0)),
                PartitionUuids = new Dictionary<int, string> { [1] = "u-1" },
            };
            var target = random.Next(2) == 0 ? GuestBootType.Pv : GuestBootType.Hvm;
            ConversionPlan plan;
            try
            {
                plan = ConversionPlanner.Plan(snapshot, target);
            }
            catch (ConversionRefusedException)
            {
                continue;
            }
            var after = ConversionPlannerTests.Applied(snapshot, plan);
            var again = ConversionPlanner.Plan(after, target);
            Assert.True(again.Changes.Count == 0,
                $"seed {seed} case {i}: a second conversion to {target} still changes {string.Join(", ", again.Changes.Select(c => c.Path))}\n{again.Diff()}");
            foreach (var change in plan.Changes.Where(c => c.Path.EndsWith("grub.cfg", StringComparison.Ordinal) && c.After is not null))
            {
                foreach (var line in change.After!.Split('\n').Where(l => l.IndexOfAny(['"', '\'']) < 0 && l.TrimStart().StartsWith("linux", StringComparison.Ordinal) && l.TrimStart().Length > 6 && char.IsWhiteSpace(l.TrimStart()[5])))
                {
                    var last = System.Text.RegularExpressions.Regex.Split(line, @"\s+").LastOrDefault(w => w.Contains("console=", StringComparison.Ordinal));
                    Assert.True(last == GuestConsoles.KernelArgument(target), $"seed {seed} case {i}: {change.Path}: '{line}'");
                }
            }
            Assert.NotNull(plan.Diff());
        }
    }

    [Fact]
    public void ExtUuidReadsOnlyExtSuperblocks()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        var block = new byte[1024];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(block);
            if (random.Next(2) == 0) { block[0x38] = 0x53; block[0x39] = 0xEF; }
            var uuid = ExtUuid.FromSuperblock(block.AsSpan(0, random.Next(2) == 0 ? 1024 : random.Next(0x80)));
            if (uuid is not null)
            {
                Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", uuid);
                Assert.Equal(Convert.ToHexStringLower(block.AsSpan(0x68, 16)), uuid.Replace("-", "", StringComparison.Ordinal));
            }
        }
        var ext = new byte[1024];
        ext[0x38] = 0x53; ext[0x39] = 0xEF;
        Assert.Null(ExtUuid.FromSuperblock(ext));
        Convert.FromHexString("3753345fb8cc477181e9de6a66e2af79").CopyTo(ext, 0x68);
        Assert.Equal("3753345f-b8cc-4771-81e9-de6a66e2af79", ExtUuid.FromSuperblock(ext));
    }

    [Fact]
    public void DiffsLookLikeDiffU()
    {
        Assert.Equal("--- a/etc/x\n+++ b/etc/x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
            LineDiff.Unified("/etc/x", "a\nb\nc\n", "a\nB\nc\n"));
        Assert.Equal("--- /dev/null\n+++ b/etc/new\n@@ -0,0 +1 @@\n+x\n", LineDiff.Unified("/etc/new", null, "x\n"));
        var before = string.Concat(Enumerable.Range(1, 20).Select(n => $"{n}\n"));
        var after = string.Concat(Enumerable.Range(1, 20).Select(n => n switch { 2 => "two\n", 18 => "18b\n", _ => $"{n}\n" }));
        Assert.Equal("--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+18b\n 19\n 20\n",
            LineDiff.Unified("/f", before, after));
    }

}
