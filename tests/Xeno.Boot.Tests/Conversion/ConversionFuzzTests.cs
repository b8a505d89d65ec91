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
