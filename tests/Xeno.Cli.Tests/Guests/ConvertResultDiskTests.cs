using System.Text;
using Xeno.Boot.Conversion;
using Xeno.GuestDisks.Rescue;

namespace Xeno.Cli.Tests.Guests;

/// <summary>
/// The conversion helper's result disk (written by scripts/guest-kit/convert, untrusted: the
/// helper handled the guest's files) and what xl makes of it: random reports come back exactly,
/// random mutations are refused with a reason or read as well-formed entries, never anything else;
/// a report that does not match the plan is an error naming the backup.
/// </summary>
public sealed class ConvertResultDiskTests
{
    private static int Seed(int fallback) =>
        Environment.GetEnvironmentVariable("XENO_FUZZ_SEED") is { } seed ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    /// <summary>The report as the helper's shell writes it (base64 -w 0 of each field, "-" for an empty file), NUL padded.</summary>
    private static byte[] Encode(string backup, IEnumerable<(string Path, ResultEntry Entry)> entries)
    {
        var text = new StringBuilder($"{ConvertResultDisk.Header}\nbackup {B64(backup)}\n");
        foreach (var (path, e) in entries)
        {
            text.Append(e.Kind switch
            {
                ResultEntryKind.File => $"file {B64(path)} {(e.Text!.Length == 0 ? "-" : B64(e.Text))}\n",
                ResultEntryKind.Link => $"link {B64(path)} {B64(e.Text!)}\n",
                _ => $"absent {B64(path)}\n",
            });
        }
        text.Append("end\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return [.. bytes, .. new byte[4096]];
    }

    private static string RandomText(Random r, int max)
    {
        var s = new StringBuilder();
        for (int n = r.Next(0, max); n > 0; n--)
        {
            s.Append(r.Next(8) switch
            {
                0 => (char)r.Next(0x80, 0x800),
                1 => '\n',
                2 => " \t=+/-"[r.Next(6)],
                _ => (char)r.Next(0x21, 0x7f),
            });
        }
        return s.ToString();
    }

    private static string RandomPath(Random r) =>
        "/" + string.Join('/', Enumerable.Range(0, r.Next(1, 5)).Select(_ => "p" + RandomText(r, 8).Replace("/", "_").Replace("\n", "_")));

    [Fact]
    public void RandomReportsComeBackExactly()
    {
        var r = new Random(Seed(4141));
        for (int i = 0; i < 300; i++)
        {
            var entries = new Dictionary<string, ResultEntry>();
            for (int n = r.Next(0, 8); n > 0; n--)
            {
                entries[RandomPath(r)] = r.Next(3) switch
                {
                    0 => new ResultEntry(ResultEntryKind.File, RandomText(r, 400)),
                    1 => new ResultEntry(ResultEntryKind.Link, RandomPath(r)),
                    _ => new ResultEntry(ResultEntryKind.Absent, null),
                };
            }
            var backup = RandomPath(r);
            var result = ConvertResultDisk.Parse(Encode(backup, entries.Select(e => (e.Key, e.Value))));
            Assert.Equal(backup, result.Backup);
            Assert.Equal(entries.OrderBy(e => e.Key, StringComparer.Ordinal), result.Paths.OrderBy(e => e.Key, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void MutatedReportsAreRefusedWithAReasonOrReadWellFormed()
    {
        var r = new Random(Seed(4343));
        var original = Encode("/var/backups/xeno-convert-hvm-20261206T080000Z",
        [
            ("/etc/default/grub", new ResultEntry(ResultEntryKind.File, "GRUB_CMDLINE_LINUX=\"console=ttyS0,115200n8\"\n")),
            ("/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service", new ResultEntry(ResultEntryKind.Link, "/lib/systemd/system/serial-getty@.service")),
            ("/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service", new ResultEntry(ResultEntryKind.Absent, null)),
        ]);
        int textLength = Array.IndexOf(original, (byte)0);
        int refused = 0;
        for (int i = 0; i < 2000; i++)
        {
            var disk = original.ToList();
            for (int m = r.Next(1, 4); m > 0; m--)
            {
                int at = r.Next(Math.Min(textLength, disk.Count));
                byte b = r.Next(3) switch
                {
                    0 => (byte)"\n =/+.-\0"[r.Next(8)],
                    1 => (byte)"endfilelinkabsentbackup"[r.Next(23)],
                    _ => (byte)r.Next(256),
                };
                switch (r.Next(4))
                {
                    case 0: disk[at] = b; break;
                    case 1: disk.Insert(at, b); break;
                    case 2: disk.RemoveAt(at); break;
                    default: disk.RemoveRange(at, disk.Count - at); break;
                }
                if (disk.Count == 0) break;
            }
            try
            {
                var result = ConvertResultDisk.Parse(disk.ToArray());
                Assert.StartsWith("/", result.Backup);
                foreach (var (path, entry) in result.Paths)
                {
                    Assert.StartsWith("/", path);
                    Assert.DoesNotContain("/../", path + "/");
                    Assert.Equal(entry.Kind == ResultEntryKind.Absent, entry.Text is null);
                }
            }
            catch (ConvertResultException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                refused++;
            }
        }
        Assert.True(refused > 1200, $"only {refused} of 2000 mutated reports were refused");
    }

    [Fact]
    public void WhatWasDoneIsCheckedAgainstThePlan()
    {
        var job = new ConvertJob(GuestBootType.Pv, 1,
            [
                GuestFileChange.Write("/etc/default/grub", "A=ttyS0\n", "A=hvc0\n"),
                GuestFileChange.Write("/boot/grub/grub.cfg", "linux /vmlinuz console=ttyS0\n", "linux /vmlinuz console=hvc0\n"),
                GuestFileChange.Delete("/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service", null, "/lib/systemd/system/serial-getty@.service"),
                GuestFileChange.Link("/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service", "/lib/systemd/system/serial-getty@.service"),
            ],
            "/boot/grub/grub.cfg", false, new DateTime(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc));
        var before = new GuestSnapshot { Files = new Dictionary<string, string> { ["/etc/default/grub"] = "A=ttyS0\n", ["/boot/grub/grub.cfg"] = "linux /vmlinuz console=ttyS0\n" } };
        Dictionary<string, ResultEntry> Report(string grubCfg, string defaults) => new()
        {
            ["/etc/default/grub"] = new(ResultEntryKind.File, defaults),
            ["/boot/grub/grub.cfg"] = new(ResultEntryKind.File, grubCfg),
            ["/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service"] = new(ResultEntryKind.Absent, null),
            ["/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service"] = new(ResultEntryKind.Link, "/lib/systemd/system/serial-getty@.service"),
        };
        // grub.cfg as the guest's grub-mkconfig made it, not as planned.
        var done = RescueConverter.Done(job, before, new ConvertResult(job.BackupPath, Report("# regenerated\nlinux /vmlinuz console=hvc0\n", "A=hvc0\n")));
        Assert.Equal(4, done.Count);
        Assert.Equal("# regenerated\nlinux /vmlinuz console=hvc0\n", done.Single(c => c.Path == "/boot/grub/grub.cfg").After);
        Assert.Equal("/var/backups/xeno-convert-pv-20261206T080000Z", job.BackupPath);
        // A planned write that is not there is an error naming the backup.
        var e = Assert.Throws<HelperGuestException>(() => RescueConverter.Done(job, before, new ConvertResult(job.BackupPath, Report("x\n", "A=ttyS0\n"))));
        Assert.Equal("after the helper, /etc/default/grub is not as planned (the backup is /var/backups/xeno-convert-pv-20261206T080000Z on the guest's disk)", e.Message);
        var missing = Report("x\n", "A=hvc0\n");
        missing.Remove("/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service");
        Assert.Contains("did not report /etc/systemd/system/getty.target.wants/serial-getty@hvc0.service",
            Assert.Throws<HelperGuestException>(() => RescueConverter.Done(job, before, new ConvertResult(job.BackupPath, missing))).Message);
    }
}
