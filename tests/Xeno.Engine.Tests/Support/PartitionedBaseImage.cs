using System.Diagnostics;

namespace Xeno.Engine.Tests.Support;

/// <summary>
/// A stand-in for the autoinstaller's base image where no guest boots: a 64 MiB sparse raw disk with one
/// bootable MBR partition, laid out as the real base image (made by sfdisk on the file). The guest-install
/// tests of xl (Xeno.Cli.Tests), the route and the panel (Xeno.Panel.Tests) link this file.
/// </summary>
internal static class PartitionedBaseImage
{
    public static string Create(string image)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        using (var f = File.Create(image)) f.SetLength(64L << 20);
        var info = new ProcessStartInfo("sfdisk") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--quiet", "--no-reread", "--no-tell-kernel", image }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.StandardInput.Write("label: dos\nstart=2048, type=83, bootable\n");
        p.StandardInput.Close();
        p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"sfdisk {image}: {err}");
        return image;
    }
}
