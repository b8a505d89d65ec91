namespace Xeno.Cli.Tests.Guests;

/// <summary>
/// xl guest-convert's own refusals (its arguments; everything else is xenod's, tested in
/// Xeno.Engine.Tests: Api/GuestConvertCommandTests for the dry run and the refusals,
/// RealGuests/GuestConvertHelperTests and GuestConversionTests through the helper guest);
/// xl guest-rescue's refusals.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestCommandTests
{
    [Fact]
    public void BadArgumentsAreRefusedBeforeXenodIsAsked()
    {
        using var xl = new XlRunner();
        var disk = xl.WriteFile("d.img", "");
        Assert.Equal((2, "", "guest-convert: --timeout 'soon' is not a whole number of seconds\n"), xl.Run("guest-convert", "--timeout=soon", disk, "hvm"));
        Assert.Equal((2, "", "guest-convert: unknown guest type 'kvm' (pv, pvh or hvm)\n"), xl.Run("guest-convert", disk, "kvm"));
        // Everything else is xenod's (POST /v1/guests/convert): with none running, xl says so.
        var (exit, stdout, stderr) = xl.Run("guest-convert", "-n", disk, "hvm");
        Assert.Equal((1, ""), (exit, stdout));
        Assert.StartsWith($"guest-convert: {disk}: ", stderr, StringComparison.Ordinal);
        Assert.Contains("xenod", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RescueNeedsItsKernelAndRamdisk()
    {
        using var xl = new XlRunner();
        var cfg = xl.WriteFile("g.cfg", "name=\"g\"\ntype=\"hvm\"\nmemory=256\n");
        var (exit, _, stderr) = xl.Run("guest-rescue", cfg);
        Assert.Equal(1, exit);
        Assert.StartsWith($"guest-rescue: no rescue kernel at {Path.Combine(xl.Prefix, "usr/lib/xeno/rescue/vmlinuz")}: pass -k FILE", stderr);
        var kernel = xl.WriteFile("k", "");
        var ramdisk = xl.WriteFile("r", "");
        var dry = xl.Run("-N", "guest-rescue", "-k", kernel, "-r", ramdisk, cfg, "memory=300");
        Assert.Equal(0, dry.Exit);
        Assert.Contains("\"type\": \"pv\"", dry.Out);
        Assert.Contains("\"memory\": 300", dry.Out);
        Assert.Contains($"\"ramdisk\": \"{ramdisk}\"", dry.Out);
    }
}
