using System.Diagnostics;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>An HVM guest: SeaBIOS boots the kit's syslinux disk (a qcow2 overlay on IDE), console on ttyS0.</summary>
public sealed class HvmTests
{
    [Fact]
    public async Task HvmGuestBootsFromAQcow2DiskOnIde()
    {
        await using var x = await Xenod.StartAsync();
        var overlay = Path.Combine(x.Root, "hvm.qcow2");
        var qemuImg = Process.Start(new ProcessStartInfo("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "raw", "-b", x.Kit.HvmDisk, overlay])
            { RedirectStandardError = true })
            ?? throw new InvalidOperationException("qemu-img (Debian package qemu-utils) is needed");
        await qemuImg.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(qemuImg.ExitCode == 0, "qemu-img create failed: " + qemuImg.StandardError.ReadToEnd());

        var cfg = x.WriteConfig("hvm.cfg",
            "name=\"hvm-a\"\ntype=\"hvm\"\nmemory=192\nvnc=0\nboot=\"c\"\n" +
            $"disk=['format=qcow2,vdev=hda,access=rw,target={overlay}']\n");
        Assert.Equal((0, "", $"Parsing config from {cfg}\n"), x.Xl("create", cfg));
        await x.WaitForMarkerAsync("hvm-a");
        Assert.Contains("\nhvm-a ", x.Xl("list").Out, StringComparison.Ordinal);
        Assert.Equal((1, "", "xenconsole: Could not read tty from store: No such file or directory\n"), x.Xl("console", "-t", "pv", "hvm-a"));
        Assert.Equal((0, "", ""), x.Xl("destroy", "hvm-a"));
        Assert.Equal(["Domain-0"], x.ListNames());
    }
}
