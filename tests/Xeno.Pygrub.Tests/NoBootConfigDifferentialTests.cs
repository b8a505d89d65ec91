using System.Diagnostics;

namespace Xeno.Pygrub.Tests;

/// <summary>
/// A disk whose file system holds no boot configuration, through Xen 4.17's pygrub and ours.
/// Xen's pygrub lists nothing and exits 0 with -l (its partition loop swallows the "no config"
/// error and `-l` exits before the "Unable to find partition containing kernel" check), while
/// booting fails with that error. Ours answers the same, byte for byte on stdout.
/// </summary>
public sealed class NoBootConfigDifferentialTests : IDisposable
{
    private readonly string _dir = Tools.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string EmptyExt2()
    {
        var image = Path.Combine(_dir, "noconfig.img");
        using (var f = File.Create(image))
            f.SetLength(8 << 20);
        var psi = new ProcessStartInfo("mkfs.ext2", ["-q", "-F", image]) { RedirectStandardError = true, UseShellExecute = false };
        using var mkfs = Process.Start(psi) ?? throw new InvalidOperationException("cannot start mkfs.ext2 (e2fsprogs)");
        var err = mkfs.StandardError.ReadToEnd();
        mkfs.WaitForExit();
        Assert.True(mkfs.ExitCode == 0, "mkfs.ext2: " + err);
        return image;
    }

    [Fact]
    public void ListPrintsNothingAndSucceedsWhileBootFailsAsXenPygrub()
    {
        var image = EmptyExt2();
        foreach (var options in new[] { new[] { "-l", "-q" }, ["-l"], ["-q"], ["-q", "--output-format=simple"] })
        {
            var (xen, _) = CompatibilityTests.Run(Tools.RunXen, image, options);
            var (ours, _) = CompatibilityTests.Run(Tools.RunOurs, image, options);
            CompatibilityTests.AssertSame(xen, ours);
            if (options.Contains("-l"))
                Assert.Equal((0, ""), (ours.ExitCode, ours.StdoutText));
            else
                Assert.Equal("RuntimeError: Unable to find partition containing kernel", CompatibilityTests.LastLine(ours.Stderr));
        }
    }
}
