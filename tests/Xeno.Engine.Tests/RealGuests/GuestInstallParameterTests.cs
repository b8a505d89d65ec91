using System.Diagnostics;
using System.Text;
using Xeno.Config.Install;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.RealGuests;

/// <summary>
/// The install parameter disk between its writer (C#, <see cref="InstallParameterDisk"/>) and its
/// reader, the helper guest's shell (scripts/guest-kit/install-params.sh), run here by the same
/// busybox ash the rescue initramfs has: random values come back byte for byte; random mutations of
/// a disk are refused with a reason or read, and the reader never writes outside its folder.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestInstallParameterTests
{
    private static readonly string Reader = Path.Combine(GuestKit.RepoRoot(), "scripts", "guest-kit", "install-params.sh");

    private static (int Exit, string Err, Dictionary<string, byte[]> Files, string[] Outside) Read(string root, byte[] disk)
    {
        var image = Path.Combine(root, "parameters.img");
        var output = Path.Combine(root, "out");
        if (Directory.Exists(output)) Directory.Delete(output, true);
        Directory.CreateDirectory(output);
        File.WriteAllBytes(image, disk);
        var info = new ProcessStartInfo("busybox") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "sh", "-c", ". \"$0\"; xeno_install_params \"$1\" \"$2\"", Reader, image, output }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000), "the reader did not finish within 30 s");
        var files = Directory.GetFiles(output).ToDictionary(f => Path.GetFileName(f), f => File.ReadAllBytes(f));
        var outside = Directory.GetFileSystemEntries(root).Select(f => Path.GetFileName(f)).Where(n => n is not ("parameters.img" or "out")).ToArray();
        return (p.ExitCode, err.Result, files, outside);
    }

    private static string RandomText(Random r, int max, bool oneLine)
    {
        var s = new StringBuilder();
        int n = r.Next(1, max);
        for (int i = 0; i < n; i++)
        {
            char c = r.Next(10) switch
            {
                0 => (char)r.Next(0x80, 0x800),          // two-byte UTF-8
                1 => (char)r.Next(0x1000, 0xd000),       // three-byte UTF-8
                2 => " '\"\\$`;|&=+/\t"[r.Next(13)],     // what shells and base64 care about
                3 => oneLine ? 'x' : '\n',
                _ => (char)r.Next(0x21, 0x7f),
            };
            s.Append(c);
        }
        return s.ToString();
    }

    [Fact]
    public void RandomValuesComeBackByteForByte()
    {
        var root = Directory.CreateTempSubdirectory("xe-params-").FullName;
        try
        {
            var r = new Random(Environment.GetEnvironmentVariable("XENO_FUZZ_SEED") is { } seed ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : 1313);
            for (int i = 0; i < 120; i++)
            {
                string hostname = string.Join('.', Enumerable.Range(0, r.Next(1, 4)).Select(_ => new string(Enumerable.Range(0, r.Next(1, 20)).Select(_ => "abcdefghijklmnopqrstuvwxyz0123456789"[r.Next(36)]).ToArray())));
                string? password = r.Next(3) == 0 ? null : RandomText(r, 200, oneLine: true);
                string? keys = password is not null && r.Next(2) == 0 ? null : RandomText(r, 2000, oneLine: false);
                var (exit, err, files, outside) = Read(root, InstallParameterDisk.Encode(hostname, password, keys));
                Assert.True(exit == 0, $"case {i}: {err}");
                Assert.Empty(outside);
                Assert.Equal(Encoding.UTF8.GetBytes(hostname), files["hostname"]);
                if (password is null) Assert.False(files.ContainsKey("root-password"));
                else Assert.Equal(Encoding.UTF8.GetBytes(password), files["root-password"]);
                if (keys is null) Assert.False(files.ContainsKey("authorized-keys"));
                else Assert.Equal(Encoding.UTF8.GetBytes(keys), files["authorized-keys"]);
                Assert.Equal(files.Count, (password is null ? 1 : 2) + (keys is null ? 0 : 1));
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void MutatedDisksAreRefusedWithAReasonOrReadAndNothingLandsOutside()
    {
        var root = Directory.CreateTempSubdirectory("xe-params-").FullName;
        try
        {
            var r = new Random(Environment.GetEnvironmentVariable("XENO_FUZZ_SEED") is { } seed ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : 1717);
            int refused = 0;
            for (int i = 0; i < 250; i++)
            {
                var disk = InstallParameterDisk.Encode("web1.example", "pass word", "ssh-ed25519 AAAA key\n").ToList();
                int textLength = disk.IndexOf(0);
                TextDiskMutation.Apply(disk, textLength, r, "\n=/+.\0 ");
                var (exit, err, files, outside) = Read(root, disk.ToArray());
                Assert.Empty(outside);
                Assert.All(files.Keys, k => Assert.Contains(k, new[] { "hostname", "root-password", "authorized-keys" }));
                if (exit == 0)
                {
                    Assert.Contains("hostname", files.Keys);
                }
                else
                {
                    Assert.Equal(1, exit);
                    Assert.StartsWith("parameter disk: ", err, StringComparison.Ordinal);
                    refused++;
                }
            }
            // Most mutations break the format; all of them being read would mean the reader checks nothing.
            Assert.True(refused > 150, $"only {refused} of 250 mutated disks were refused");
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
