using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>Configs xenod refuses before any QEMU starts, and xl without a xenod: clear messages, nothing left behind.</summary>
public sealed class ErrorPathTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private (int Exit, string Out, string Err) Create(string name, string text) => _x.Xl("create", "-q", _x.WriteConfig(name + ".cfg", text));

    [Fact]
    public void MissingKernelIsNamed()
    {
        var r = Create("nokernel", "name=\"nk\"\ntype=\"pv\"\nmemory=128\nkernel=\"/nonexistent/vmlinuz\"\n");
        Assert.Equal(3, r.Exit);
        Assert.StartsWith("kernel /nonexistent/vmlinuz: No such file or directory\n", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void RelativePathsResolveAgainstXlWorkingDirectory()
    {
        var r = Create("relkernel", "name=\"rk\"\ntype=\"pv\"\nmemory=128\nkernel=\"no-such-dir/vmlinuz\"\n");
        Assert.Equal(3, r.Exit);
        Assert.StartsWith($"kernel {Path.Combine(Directory.GetCurrentDirectory(), "no-such-dir/vmlinuz")}: No such file or directory\n", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDiskIsNamed()
    {
        var r = Create("nodisk", $"name=\"nd\"\ntype=\"pv\"\nmemory=128\nkernel=\"{_x.Kit.Vmlinuz}\"\ndisk=['/nonexistent/disk.img,raw,xvda,rw']\n");
        Assert.Equal(3, r.Exit);
        Assert.StartsWith("libxl: error: Disk vdev=xvda failed to stat: /nonexistent/disk.img: No such file or directory\n", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateVdevsAndAnImageWrittenTwiceAreRefusedBeforeQemu()
    {
        var img = _x.WriteConfig("twice.img", new string('\0', 4096));
        var vdev = Create("dupvdev", $"name=\"dv\"\ntype=\"pv\"\nmemory=128\nkernel=\"{_x.Kit.Vmlinuz}\"\ndisk=['{img},raw,xvda,ro', '{_x.Kit.PvDisk},raw,xvda,ro']\n");
        Assert.Equal(3, vdev.Exit);
        Assert.StartsWith("libxl: error: Disk vdev=xvda:device already exists in xenstore", vdev.Err, StringComparison.Ordinal);
        var twice = Create("twice", $"name=\"tw\"\ntype=\"pv\"\nmemory=128\nkernel=\"{_x.Kit.Vmlinuz}\"\ndisk=['{img},raw,xvda,rw', '{img},raw,xvdb,rw']\n");
        Assert.Equal(3, twice.Exit);
        Assert.StartsWith($"Disk {img} is given twice (vdev=xvda and vdev=xvdb)", twice.Err, StringComparison.Ordinal);
        Assert.Equal(["Domain-0"], _x.ListNames());
    }

    [Fact]
    public void AMissingBridgeIsRefusedInXensWordsAndLeavesNoTap()
    {
        // Host-wide interface names: unique to this run (parallel test runs share the host).
        var tag = Guid.NewGuid().ToString("N")[..6];
        var r = Create("vif", $"name=\"nv\"\ntype=\"pv\"\nmemory=128\nkernel=\"{_x.Kit.Vmlinuz}\"\nvif=['bridge=xnb{tag},vifname=xnv{tag}']\n");
        Assert.Equal(3, r.Exit);
        Assert.StartsWith($"domain \"nv\": vif 0 (xnv{tag}): Could not find bridge device xnb{tag}\n", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/sys/class/net/xnv{tag}"));
        Assert.Equal(["Domain-0"], _x.ListNames());
    }

    [Fact]
    public void PvhNeedsALinuxKernel()
    {
        var r = Create("pvh", $"name=\"ph\"\ntype=\"pvh\"\nmemory=128\nkernel=\"{_x.Kit.Initrd}\"\n");
        Assert.Equal(3, r.Exit);
        Assert.StartsWith($"pvh: kernel {_x.Kit.Initrd}: not a Linux kernel: neither an ELF file nor a bzImage", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void PvCdromAndUnsupportedFormatsAreRefused()
    {
        var iso = _x.Kit.BootIso;
        var cd = Create("pvcd", $"name=\"pc\"\ntype=\"pv\"\nmemory=128\nkernel=\"{_x.Kit.Vmlinuz}\"\ndisk=['{iso},raw,xvdc,ro,devtype=cdrom']\n");
        Assert.Equal(3, cd.Exit);
        Assert.StartsWith("disk xvdc of domain \"pc\": a pv guest has no CD-ROM drives (devtype=cdrom is HVM only)\n", cd.Err, StringComparison.Ordinal);
        var vhd = Create("vhd", $"name=\"vh\"\ntype=\"pv\"\nmemory=128\nkernel=\"{_x.Kit.Vmlinuz}\"\ndisk=['{iso},vhd,xvda,ro']\n");
        Assert.Equal(3, vhd.Exit);
        Assert.StartsWith("disk xvda of domain \"vh\": format=vhd is not supported (raw or qcow2)\n", vhd.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOnlyEmulatedHardDisksAreRefusedAsLibxlDoes()
    {
        var r = Create("roide", $"name=\"ri\"\ntype=\"hvm\"\nmemory=128\nvnc=0\ndisk=['{_x.Kit.HvmDisk},raw,hda,ro']\n");
        Assert.Equal(3, r.Exit);
        Assert.StartsWith("qemu-xen doesn't support read-only IDE disk drivers\n", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDomainsGiveXlMessages()
    {
        Assert.Equal((1, "", "nosuch is an invalid domain identifier (rc=-6)\n"), _x.Xl("pause", "nosuch"));
        Assert.Equal((1, "", "libxl: error: Domain 42:Non-existant domain\ndestroy failed (rc=-21)\n"), _x.Xl("destroy", "42"));
        Assert.Equal((1, "", "Not destroying domain 0; use -f to force.\nThis can only be done when using a disaggregated hardware domain and toolstack.\n\n"),
            _x.Xl("destroy", "0"));
        Assert.Equal((1, "", "Can't get domain name of domain id '7', maybe this domain does not exist.\n"), _x.Xl("domname", "7"));
        Assert.Equal((0, "Domain-0\n", ""), _x.Xl("domname", "0"));
        var usage = _x.Xl("destroy");
        Assert.Equal(2, usage.Exit);
        Assert.Equal("'xl destroy' requires at least 1 argument.\n\n", usage.Err);
        var left = Directory.GetFiles(Path.Combine(_x.Prefix, "run/xeno"), "*", SearchOption.AllDirectories).Select(Path.GetFileName);
        // Only the daemon's own files (the prefix lock among them); nothing of a domain.
        Assert.Equal(["xenod.lock", "xenod.pid", "xenod.sock", "xenod.sock.fd"], left.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task XlWithoutXenodSaysSo()
    {
        await using var none = Xenod.Without();
        var r = none.Xl("list");
        Assert.Equal(1, r.Exit);
        Assert.StartsWith($"no xenod is running for prefix {none.Prefix} (nothing answers at {Path.Combine(none.Prefix, "run/xeno/xenod.sock")}: ", r.Err, StringComparison.Ordinal);
        Assert.EndsWith($"start one with `xenod run --prefix {none.Prefix}`\n", r.Err, StringComparison.Ordinal);
        var c = none.Xl("create", "-q", none.WriteConfig("a.cfg", "name=\"a\"\nmemory=128\nkernel=\"/k\"\n"));
        Assert.Equal(3, c.Exit);
    }
}
