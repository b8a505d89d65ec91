using System.Diagnostics;
using System.Text;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Bootloader;
using Xeno.Engine.Tests.Support;
using Xeno.Engine.Tests.Unit;

namespace Xeno.Engine.Tests.Bootloader;

/// <summary>
/// Xen's own pygrub (Debian's xen-utils-4.17) as the oracle: given the argument vector libxl
/// would pass for a config (with -q: no terminal here, where libxl's pygrub would wait out its
/// menu and boot the same default), it must pick the same kernel, ramdisk and command line as
/// xenod's in-process bootloader, byte for byte.
/// </summary>
public sealed class XenPygrubOracleTests : IDisposable
{
    private const string XenPygrub = "/usr/lib/xen-4.17/bin/pygrub";
    private readonly string _dir = Directory.CreateTempSubdirectory("xbo-").FullName;
    private readonly GuestKit _kit = GuestKit.Get();

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("")]
    [InlineData("extra=\"xeno.action=shell\"\n")]
    [InlineData("root=\"/dev/xvda1\"\nextra=\"quiet\"\n")]
    [InlineData("cmdline=\"a=1 b=2\"\n")]
    [InlineData("bootloader_args=['--entry=1']\n")]
    [InlineData("extra=\"x\"\nbootloader_args=['--entry', 'Xeno test guest (power off at once)']\n")]
    [InlineData("extra=\"ignored\"\nbootloader_args=['--args=instead']\n")]
    [InlineData("kernel=\"/boot/initrd.img\"\nramdisk=\"/boot/vmlinuz\"\nextra=\"only\"\n")]
    [InlineData("kernel=\"/boot/vmlinuz\"\n")]
    [InlineData("bootloader_args=['--entry=7']\n")]
    [InlineData("bootloader_args=['--offset=0']\n")]
    public void XenodBootsWhatXensPygrubWould(string more)
    {
        Assert.True(File.Exists(XenPygrub), $"{XenPygrub} is needed as the oracle: install xen-utils-4.17");
        var image = BootImages.Ext4(Path.Combine(_dir, "g.img"), BootImages.KitGrubCfg(), _kit);
        var spec = Specs.From($"name=\"g\"\ntype=\"pv\"\nmemory=64\nbootloader=\"pygrub\"\ndisk=['{image},raw,xvda,ro']\n{more}");

        var ours = new PygrubBoot(Path.Combine(_dir, "log"), new EngineLog(null, TimeProvider.System)).Prepare(spec, 1, Path.Combine(_dir, "d1"));
        var theirs = RunXenPygrub(spec, image);

        Assert.Equal(theirs.Args, ours.Cmdline ?? "");
        Assert.Equal(File.ReadAllBytes(theirs.Kernel), File.ReadAllBytes(ours.Kernel!));
        Assert.Equal(theirs.Ramdisk is null, ours.Ramdisk is null);
        if (theirs.Ramdisk is not null)
            Assert.Equal(File.ReadAllBytes(theirs.Ramdisk), File.ReadAllBytes(ours.Ramdisk!));
    }

    [Fact]
    public void AQcow2OverlayBootsWhatXensPygrubFindsOnTheRawView()
    {
        // libxl shows pygrub a qcow2 disk through a local qdisk attach: the raw view, here the unchanged backing file.
        Assert.True(File.Exists(XenPygrub), $"{XenPygrub} is needed as the oracle: install xen-utils-4.17");
        var image = BootImages.Ext4(Path.Combine(_dir, "base.img"), BootImages.KitGrubCfg(defaultEntry: 1), _kit);
        var overlay = BootImages.Qcow2Overlay(Path.Combine(_dir, "over.qcow2"), image);
        const string more = "extra=\"e=1\"\n";
        var spec = Specs.From($"name=\"g\"\ntype=\"pv\"\nmemory=64\nbootloader=\"pygrub\"\ndisk=['{overlay},qcow2,xvda,rw']\n{more}");
        var ours = new PygrubBoot(Path.Combine(_dir, "log"), new EngineLog(null, TimeProvider.System)).Prepare(spec, 1, Path.Combine(_dir, "d1"));
        var theirs = RunXenPygrub(spec, image);
        Assert.Equal(theirs.Args, ours.Cmdline);
        Assert.Equal(File.ReadAllBytes(theirs.Kernel), File.ReadAllBytes(ours.Kernel!));
        Assert.Equal(File.ReadAllBytes(theirs.Ramdisk!), File.ReadAllBytes(ours.Ramdisk!));
    }

    /// <summary>Runs Xen's pygrub exactly as libxl does (its output options in libxl's place) and reads the simple0 result.</summary>
    private (string Kernel, string? Ramdisk, string Args) RunXenPygrub(Config.Domain.DomainSpec spec, string image)
    {
        var outDir = Directory.CreateDirectory(Path.Combine(_dir, "xen-out")).FullName;
        var output = Path.Combine(_dir, "xen.out");
        File.WriteAllBytes(output, []); // libxl creates it first; pygrub only opens it
        var args = PygrubCommandLine.Arguments(spec, image);
        int libxlOwn = args.Count - spec.BootloaderArgs.Count - 1;
        args.InsertRange(libxlOwn, ["-q", "--output=" + output, "--output-format=simple0", "--output-directory=" + outDir]);

        var info = new ProcessStartInfo(XenPygrub) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"Xen's pygrub {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result}");

        string? kernel = null, ramdisk = null, cmdline = "";
        foreach (var item in Encoding.UTF8.GetString(File.ReadAllBytes(output)).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.StartsWith("kernel ", StringComparison.Ordinal)) kernel = item[7..];
            else if (item.StartsWith("ramdisk ", StringComparison.Ordinal)) ramdisk = item[8..];
            else if (item.StartsWith("args ", StringComparison.Ordinal)) cmdline = item[5..];
        }
        Assert.NotNull(kernel);
        return (kernel, ramdisk, cmdline);
    }
}
