using Xeno.Engine.Domains;
using Xeno.Engine.Tests.Support;
using Xeno.Qemu.Kernel;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// Guest memory at boot, on the kit's own kernel and initrd: below what the kernel and initrd
/// occupy, xl create is refused with the numbers; a tight size is started with a warning in
/// xenod's log (such a guest panicked unpacking its initramfs before it had a console, and
/// showed nothing at all); the smallest size xenod starts without a warning reaches the marker.
/// </summary>
public sealed class BootMemoryGuestTests
{
    [Fact]
    public async Task TooLittleIsRefusedTightIsSaidAndTheSmallestQuietSizeBoots()
    {
        await using var x = await Xenod.StartAsync();
        long kernelEnd;
        using (var f = File.OpenRead(x.Kit.Vmlinux))
            kernelEnd = KernelImageProbe.Probe(f).MemoryEnd!.Value;
        long? unpacked;
        using (var f = File.OpenRead(x.Kit.Initrd))
            unpacked = InitramfsSize.Measure(f).UnpackedBytes;
        var fit = BootMemoryFit.Check("k", kernelEnd >> 20, kernelEnd, new FileInfo(x.Kit.Initrd).Length, unpacked);
        Assert.Equal(BootMemoryVerdict.TooSmall, fit.Verdict);
        long quiet = fit.SuggestedMiB;

        var refused = x.Xl("create", "-q", x.PvConfig("mem-none", memory: (int)(kernelEnd >> 20)));
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains($"domain mem-none: memory={kernelEnd >> 20} MiB cannot hold its kernel and initrd", refused.Err, StringComparison.Ordinal);
        Assert.Equal(["Domain-0"], x.ListNames());

        // Tight: started (it may or may not boot), said once in xenod's log, destroyed at once.
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("mem-tight", memory: (int)quiet - 8)).Exit);
        Assert.Contains($"warning: domain mem-tight: memory={quiet - 8} MiB is tight for its kernel and initramfs", x.Xl("dmesg").Out, StringComparison.Ordinal);
        Assert.Equal(0, x.Xl("destroy", "mem-tight").Exit);

        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("mem-quiet", memory: (int)quiet)).Exit);
        await x.WaitForMarkerAsync("mem-quiet");
        Assert.DoesNotContain("domain mem-quiet: memory", x.Xl("dmesg").Out, StringComparison.Ordinal);
        Assert.Equal(0, x.Xl("destroy", "mem-quiet").Exit);
    }
}
