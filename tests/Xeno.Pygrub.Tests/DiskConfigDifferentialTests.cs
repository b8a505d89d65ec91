using System.Diagnostics;
using System.Text;

namespace Xeno.Pygrub.Tests;

/// <summary>
/// Random grub legacy menu.lst and extlinux.conf files, read from a real ext2 image by Xen's
/// pygrub and by ours. One image is built per kind; the config file's block is rewritten in
/// place for each round (same size, padded with a comment), so a round costs two pygrub runs.
/// Wherever Xen's pygrub boots, the output, the warnings, the listing and the bytes must match.
/// XENO_LONG_FUZZ=1 runs many more.
/// </summary>
public class DiskConfigDifferentialTests
{
    private const int ConfigBytes = 4096;
    private static readonly int Rounds = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 400 : 25;
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("#XENO-CONFIG-BLOCK#");

    [Theory]
    [InlineData("/boot/grub/menu.lst", "legacy")]
    [InlineData("/boot/extlinux/extlinux.conf", "extlinux")]
    public void RandomConfigsOnDiskReadTheSameAsXen(string configPath, string kind)
    {
        var dir = Tools.TempDirectory();
        try
        {
            var image = BuildImage(dir, configPath);
            long at = FindMarker(File.ReadAllBytes(image));
            var random = new Random(kind.Length * 7919);
            int compared = 0;
            for (int round = 0; round < Rounds; round++)
            {
                var text = kind == "legacy" ? GenerateLegacy(random) : GenerateExtLinux(random);
                WriteConfig(image, at, text);
                string[] boot = random.Next(3) == 0 ? ["-q", "--entry=" + random.Next(4), "--output-format=simple"] : ["-q", "--output-format=simple"];
                var (xen, xenFiles) = CompatibilityTests.Run(Tools.RunXen, image, boot);
                if (xen.ExitCode != 0) continue; // pygrub crashed on it; we do not copy crashes
                var (ours, ourFiles) = CompatibilityTests.Run(Tools.RunOurs, image, boot);
                var (xenList, _) = CompatibilityTests.Run(Tools.RunXen, image, ["-l", "-q"]);
                var (ourList, _) = CompatibilityTests.Run(Tools.RunOurs, image, ["-l", "-q"]);
                bool same = xen.StdoutText == ours.StdoutText && xen.Stderr == ours.Stderr && ours.ExitCode == 0
                    && xenFiles.Count == ourFiles.Count && xenFiles.Zip(ourFiles).All(p => p.First.AsSpan().SequenceEqual(p.Second))
                    && xenList.StdoutText == ourList.StdoutText && xenList.Stderr == ourList.Stderr;
                Assert.True(same, $"{kind} round {round} differs:\n{text}\n--- xen\n{xen.StdoutText}{xen.Stderr}{xenList.StdoutText}--- ours\n{ours.StdoutText}{ours.Stderr}{ourList.StdoutText}");
                compared++;
            }
            Assert.True(compared > Rounds / 3, $"only {compared} of {Rounds} configs booted with Xen's pygrub");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string BuildImage(string dir, string configPath)
    {
        var root = Path.Combine(dir, "root");
        Directory.CreateDirectory(Path.Combine(root, "boot", "grub"));
        Directory.CreateDirectory(Path.Combine(root, "boot", "extlinux"));
        for (int i = 0; i < 4; i++)
        {
            File.WriteAllText(Path.Combine(root, "boot", $"vmlinuz-{i}"), $"kernel {i}\n");
            File.WriteAllText(Path.Combine(root, "boot", $"initrd.img-{i}"), $"initrd {i}\n");
        }
        var config = new byte[ConfigBytes];
        Array.Fill(config, (byte)'#');
        Marker.CopyTo(config, 0);
        File.WriteAllBytes(Path.Combine(root, configPath.TrimStart('/')), config);
        var image = Path.Combine(dir, "disk.img");
        var psi = new ProcessStartInfo("mkfs.ext2") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-q", "-F", "-d", root, image, "2M" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("mkfs.ext2 (e2fsprogs) is needed");
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "mkfs.ext2 failed: " + p.StandardError.ReadToEnd());
        return image;
    }

    private static long FindMarker(byte[] image)
    {
        int at = image.AsSpan().IndexOf(Marker);
        Assert.True(at >= 0, "config block not found in the image");
        return at;
    }

    private static void WriteConfig(string image, long at, string text)
    {
        var bytes = new byte[ConfigBytes];
        Array.Fill(bytes, (byte)'#');
        var body = Encoding.UTF8.GetBytes(text + "\n");
        Assert.True(body.Length < ConfigBytes, "generated config too long");
        body.CopyTo(bytes, 0);
        using var f = new FileStream(image, FileMode.Open, FileAccess.Write);
        f.Position = at;
        f.Write(bytes);
    }

    private static string Pick(Random r, params string[] options) => options[r.Next(options.Length)];

    private static string GenerateLegacy(Random r)
    {
        var sb = new StringBuilder();
        int globals = r.Next(0, 5);
        for (int i = 0; i < globals; i++)
            sb.Append(Pick(r, "default\t" + r.Next(0, 5), "default=" + r.Next(0, 3), "default saved", "timeout 5", "fallback 1",
                "hiddenmenu", "color cyan/blue white/blue", "serial --unit=0", "terminal serial", "# comment", "", "splashimage=(hd0,0)/grub/splash.xpm.gz",
                "frob 1", "password --md5 $1$x$y")).Append('\n');
        int entries = r.Next(1, 5);
        for (int e = 0; e < entries; e++)
        {
            sb.Append(Pick(r, "title\t", "title ", "title=")).Append(Pick(r, "Debian", "it's \"quoted\"", "a  b ", "Linux " + e)).Append('\n');
            int k = r.Next(4);
            sb.Append(Pick(r, "root\t\t(hd0,0)", "root (hd0)", "rootnoverify (hd0,1)", "# c", "")).Append('\n');
            sb.Append(Pick(r, "kernel\t\t", "kernel ", "kernel=")).Append(Pick(r, "", "(hd0,0)")).Append($"/boot/vmlinuz-{k}")
              .Append(Pick(r, "", " root=/dev/xvda1 ro", "  console=hvc0  quiet", " a=b")).Append('\n');
            sb.Append(Pick(r, "initrd\t\t", "initrd ")).Append($"/boot/initrd.img-{k}").Append('\n');
            if (r.Next(3) == 0) sb.Append(Pick(r, "savedefault", "boot", "module /x", "chainloader +1")).Append('\n');
        }
        return sb.ToString();
    }

    private static string GenerateExtLinux(Random r)
    {
        var sb = new StringBuilder();
        int globals = r.Next(0, 5);
        var labels = new[] { "linux", "old", "\"quoted\"", "Rescue" };
        for (int i = 0; i < globals; i++)
            sb.Append(Pick(r, "DEFAULT " + labels[r.Next(labels.Length)], "default " + labels[r.Next(labels.Length)], "TIMEOUT 50", "PROMPT 0",
                "SERIAL 0 115200", "UI menu.c32", "# c", "", "display boot.msg", "F1 help.txt")).Append('\n');
        int entries = r.Next(1, 5);
        for (int e = 0; e < entries; e++)
        {
            int k = r.Next(4);
            sb.Append(Pick(r, "LABEL ", "label ", "Label\t")).Append(labels[r.Next(labels.Length)]).Append('\n');
            sb.Append(Pick(r, "    KERNEL ", "\tkernel ", "  Kernel ")).Append($"/boot/vmlinuz-{k}").Append('\n');
            switch (r.Next(3))
            {
                case 0: sb.Append($"    APPEND initrd=/boot/initrd.img-{k} root=/dev/xvda1 ro\n"); break;
                case 1: sb.Append($"    append root=/dev/xvda1 initrd=/boot/initrd.img-{k} quiet\n"); break;
                default: sb.Append($"    APPEND ro initrd=/boot/initrd.img-{k}\n"); break;
            }
            if (r.Next(3) == 0) sb.Append(Pick(r, "    MENU LABEL x", "    TEXT HELP", "    IPAPPEND 2")).Append('\n');
        }
        return sb.ToString();
    }
}
