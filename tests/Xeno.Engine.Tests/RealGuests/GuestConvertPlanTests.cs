using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Xeno.Boot.Conversion;
using Xeno.Engine.Tests.Support;
using Xeno.GuestDisks.Rescue;

namespace Xeno.Engine.Tests.RealGuests;

/// <summary>
/// The conversion's plan disk between its writer (C#, <see cref="ConvertPlanDisk"/>) and its
/// reader, the helper guest's shell (scripts/guest-kit/convert-plan.sh), run here by the same
/// busybox ash the rescue initramfs has: random plans come back byte for byte; random mutations
/// are refused with a reason or read as well-formed operations, and nothing lands outside the
/// reader's folder.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestConvertPlanTests
{
    private static readonly string Reader = Path.Combine(GuestKit.RepoRoot(), "scripts", "guest-kit", "convert-plan.sh");

    private static int Seed(int fallback) =>
        Environment.GetEnvironmentVariable("XENO_FUZZ_SEED") is { } seed ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    private static (int Exit, string Err, Dictionary<string, byte[]> Files, string[] Outside) Read(string root, byte[] disk)
    {
        var image = Path.Combine(root, "plan.img");
        var output = Path.Combine(root, "out");
        if (Directory.Exists(output)) Directory.Delete(output, true);
        Directory.CreateDirectory(output);
        File.WriteAllBytes(image, disk);
        var info = new ProcessStartInfo("busybox") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = root };
        foreach (var a in new[] { "sh", "-c", ". \"$0\"; xeno_convert_plan \"$1\" \"$2\"", Reader, image, output }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "the reader did not finish within 60 s");
        var files = Directory.GetFiles(output).ToDictionary(f => Path.GetFileName(f), f => File.ReadAllBytes(f));
        var outside = Directory.GetFileSystemEntries(root).Select(f => Path.GetFileName(f)).Where(n => n is not ("plan.img" or "out")).ToArray();
        return (p.ExitCode, err.Result, files, outside);
    }

    private static string RandomText(Random r, int max)
    {
        var s = new StringBuilder();
        int n = r.Next(0, max);
        for (int i = 0; i < n; i++)
        {
            s.Append(r.Next(10) switch
            {
                0 => (char)r.Next(0x80, 0x800),
                1 => (char)r.Next(0x1000, 0xd000),
                2 => " '\"\\$`;|&=+/\t*?["[r.Next(16)],
                3 => '\n',
                _ => (char)r.Next(0x21, 0x7f),
            });
        }
        return s.ToString();
    }

    private static string RandomPath(Random r) =>
        "/" + string.Join('/', Enumerable.Range(0, r.Next(1, 5)).Select(_ =>
            new string(Enumerable.Range(0, r.Next(1, 12)).Select(_ => "abcdefghijklmnopqrstuvwxyz0123456789._@+-"[r.Next(41)]).ToArray())))
            .Replace("/..", "/x.").Replace("/.", "/x");

    private static GuestFileChange RandomChange(Random r) => r.Next(4) switch
    {
        0 => GuestFileChange.Write(RandomPath(r), RandomText(r, 300), RandomText(r, 300)),
        1 => GuestFileChange.Write(RandomPath(r), null, RandomText(r, 300)),
        2 => r.Next(2) == 0 ? GuestFileChange.Delete(RandomPath(r), RandomText(r, 100)) : GuestFileChange.Delete(RandomPath(r), null, RandomPath(r)),
        _ => GuestFileChange.Link(RandomPath(r), RandomPath(r)),
    };

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void RandomPlansComeBackByteForByte()
    {
        var root = Directory.CreateTempSubdirectory("xe-plan-").FullName;
        try
        {
            var r = new Random(Seed(2929));
            // The /boot partition from a Random of its own: the plans' other draws stay as they were.
            var rb = new Random(Seed(2929) + 1);
            for (int i = 0; i < 60; i++)
            {
                var changes = Enumerable.Range(0, r.Next(0, 6)).Select(_ => RandomChange(r)).ToList();
                var job = new ConvertJob(r.Next(2) == 0 ? GuestBootType.Pv : GuestBootType.Hvm, r.Next(0, 10), changes,
                    r.Next(2) == 0 ? null : RandomPath(r), r.Next(2) == 0, new DateTime(2026, 12, 6, 8, r.Next(60), r.Next(60), DateTimeKind.Utc),
                    rb.Next(2) == 0 ? null : rb.Next(1, 100));
                var diff = RandomText(r, 500);
                var (exit, err, files, outside) = Read(root, ConvertPlanDisk.Encode(job, diff));
                Assert.True(exit == 0, $"case {i}: {err}");
                Assert.Empty(outside);
                Assert.Equal($"target={GuestConsoles.Name(job.Target)}\npartition={job.Partition}\nregenerate={job.Regenerate ?? "-"}\n" +
                             $"bootloader={(job.InstallBootloader ? 1 : 0)}\nstamp={job.StampText}\nboot={job.BootPartition?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}\n",
                             Encoding.UTF8.GetString(files["settings"]));
                Assert.Equal(diff, Encoding.UTF8.GetString(files["changes.diff"]));
                var ops = Encoding.UTF8.GetString(files["ops"]);
                Assert.Equal(string.Concat(changes.Select((c, k) => $"{k + 1} {c.Action switch
                {
                    GuestFileAction.Write => "write",
                    GuestFileAction.Delete => "delete",
                    _ => "link",
                }}\n")), ops);
                for (int k = 0; k < changes.Count; k++)
                {
                    var c = changes[k];
                    string n = (k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(c.Path, Encoding.UTF8.GetString(files[n + ".path"]));
                    switch (c.Action)
                    {
                        case GuestFileAction.Write:
                            Assert.Equal(c.Before is null ? "-" : Sha(c.Before), Encoding.UTF8.GetString(files[n + ".sha"]));
                            Assert.Equal(Encoding.UTF8.GetBytes(c.After!), files[n + ".data"]);
                            break;
                        case GuestFileAction.Delete:
                            Assert.Equal(c.Before is null ? "link" : Sha(c.Before), Encoding.UTF8.GetString(files[n + ".sha"]));
                            break;
                        default:
                            Assert.Equal(c.LinkTarget, Encoding.UTF8.GetString(files[n + ".target"]));
                            break;
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    /// <summary>The separate /boot partition's setting: optional ("-" when not given), a partition number 1-99 or "-", once.</summary>
    [Theory]
    [InlineData("", "boot=-")]
    [InlineData("boot=-\n", "boot=-")]
    [InlineData("boot=2\n", "boot=2")]
    [InlineData("boot=0\n", "bad /boot partition number")]
    [InlineData("boot=02\n", "bad /boot partition number")]
    [InlineData("boot=2x\n", "bad /boot partition number")]
    [InlineData("boot=2\nboot=3\n", "boot given twice")]
    public void TheBootPartitionSettingIsOptionalAndChecked(string line, string expected)
    {
        var root = Directory.CreateTempSubdirectory("xe-plan-").FullName;
        try
        {
            var plan = "xeno-convert-plan 1\ntarget=hvm\npartition=1\nregenerate=-\nbootloader=0\nstamp=20261206T080000Z\n" + line + "end\n";
            var (exit, err, files, outside) = Read(root, Encoding.UTF8.GetBytes(plan));
            Assert.Empty(outside);
            if (expected.StartsWith("boot=", StringComparison.Ordinal))
            {
                Assert.True(exit == 0, err);
                Assert.EndsWith(expected + "\n", Encoding.UTF8.GetString(files["settings"]));
            }
            else
            {
                Assert.NotEqual(0, exit);
                Assert.Contains(expected, err);
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void MutatedPlansAreRefusedWithAReasonOrReadAndNothingLandsOutside()
    {
        var root = Directory.CreateTempSubdirectory("xe-plan-").FullName;
        try
        {
            var r = new Random(Seed(3131));
            var job = new ConvertJob(GuestBootType.Hvm, 1,
                [
                    GuestFileChange.Write("/etc/default/grub", "GRUB_CMDLINE_LINUX=\"console=hvc0\"\n", "GRUB_CMDLINE_LINUX=\"console=ttyS0,115200n8\"\n"),
                    GuestFileChange.Delete("/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service", null, "/lib/systemd/system/serial-getty@.service"),
                    GuestFileChange.Link("/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service", "/lib/systemd/system/serial-getty@.service"),
                ],
                "/boot/grub/grub.cfg", true, new DateTime(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc));
            var original = ConvertPlanDisk.Encode(job, "--- a/etc/default/grub\n");
            int textLength = Array.IndexOf(original, (byte)0);
            int refused = 0;
            for (int i = 0; i < 150; i++)
            {
                var disk = original.Take(textLength + 64).ToList();
                TextDiskMutation.Apply(disk, textLength, r, "\n=/+. -*\0");
                var (exit, err, files, outside) = Read(root, disk.ToArray());
                Assert.Empty(outside);
                if (exit == 0)
                {
                    // Read: every setting there, every operation's path a plain absolute path.
                    var settings = Encoding.UTF8.GetString(files["settings"]);
                    foreach (var key in new[] { "target=", "partition=", "regenerate=", "bootloader=", "stamp=" }) Assert.Contains(key, settings);
                    foreach (var path in files.Where(f => f.Key.EndsWith(".path", StringComparison.Ordinal)).Select(f => Encoding.UTF8.GetString(f.Value)))
                    {
                        Assert.StartsWith("/", path);
                        Assert.DoesNotContain("/../", path + "/");
                        Assert.DoesNotContain('\n', path);
                    }
                }
                else
                {
                    Assert.Equal(1, exit);
                    Assert.StartsWith("plan disk: ", err, StringComparison.Ordinal);
                    refused++;
                }
            }
            Assert.True(refused > 90, $"only {refused} of 150 mutated plans were refused");
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
