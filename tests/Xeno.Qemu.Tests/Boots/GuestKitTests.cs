using System.Diagnostics;

namespace Xeno.Qemu.Tests.Boots;

/// <summary>The kit's PV disk checked with Xen's own pygrub (xen-utils-4.17) as the oracle.</summary>
public class GuestKitTests
{
    private const string Pygrub = "/usr/lib/xen-4.17/bin/pygrub";

    [Theory]
    [InlineData(0, "console=hvc0")]
    [InlineData(1, "console=hvc0 xeno.action=poweroff")]
    public async Task XensPygrubFindsTheKernelInitrdAndArgumentsOnThePvDisk(int entry, string args)
    {
        Assert.True(File.Exists(Pygrub), $"{Pygrub} is missing (install xen-utils-4.17 --no-install-recommends)");
        var kit = await GuestKit.GetAsync();
        using var dir = new TempDir();
        var info = new ProcessStartInfo(Pygrub) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--quiet", $"--entry={entry}", "--output-format=simple", $"--output-directory={dir.Path}", kit.PvDisk })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string errors = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"pygrub failed: {errors}");

        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        Assert.Equal(args, fields["args"]);
        Assert.Equal(await File.ReadAllBytesAsync(kit.Vmlinuz, TestContext.Current.CancellationToken),
            await File.ReadAllBytesAsync(fields["kernel"], TestContext.Current.CancellationToken));
        Assert.Equal(await File.ReadAllBytesAsync(kit.Initrd, TestContext.Current.CancellationToken),
            await File.ReadAllBytesAsync(fields["ramdisk"], TestContext.Current.CancellationToken));
    }
}
