using Xeno.Config.Specs;

namespace Xeno.Config.Tests.Specs;

/// <summary>Xen's documented disk spec examples and every message xlu_disk_parse prints.</summary>
public sealed class DiskSpecParserTests
{
    private const string Cfg = "/etc/xen/web.cfg";

    private static DiskSpec Ok(string spec)
    {
        var r = DiskSpecParser.Parse(spec, Cfg);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        return r.Value!;
    }

    private static string Error(string spec)
    {
        var r = DiskSpecParser.Parse(spec, Cfg);
        Assert.False(r.Ok, $"expected an error for `{spec}'");
        return Assert.Single(r.Errors);
    }

    [Fact]
    public void SeedConfigPhysicalDisk()
    {
        var d = Ok("phy:/dev/vg01/winxp0,hda,w");
        Assert.Equal("/dev/vg01/winxp0", d.Target);
        Assert.Equal("hda", d.Vdev);
        Assert.Equal(DiskFormat.Raw, d.Format);
        Assert.Equal(DiskAccess.ReadWrite, d.Access);
        Assert.Equal(DiskDevType.Disk, d.DevType);
        Assert.Null(d.Script);
        Assert.False(d.Removable);
    }

    [Fact]
    public void SeedConfigCdromWithDeprecatedForms()
    {
        var d = Ok("phy:/dev/loop0,ioemu:hdc:cdrom,r");
        Assert.Equal("/dev/loop0", d.Target);
        Assert.Equal("hdc", d.Vdev);
        Assert.Equal(DiskDevType.Cdrom, d.DevType);
        Assert.Equal(DiskAccess.ReadOnly, d.Access);
        Assert.True(d.Removable);
    }

    [Theory]
    [InlineData("/dev/vg/guest-volume,,hda")]
    [InlineData("/dev/vg/guest-volume,raw,hda,rw")]
    [InlineData("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume")]
    [InlineData("raw:/dev/vg/guest-volume,hda,w")]
    public void DocumentedEquivalentFormsOfOneDisk(string spec)
    {
        Assert.Equal(
            new DiskSpec { Target = "/dev/vg/guest-volume", Vdev = "hda", Format = DiskFormat.Raw, Access = DiskAccess.ReadWrite },
            Ok(spec));
    }

    [Theory]
    [InlineData("/images/cd.iso,,hdc,cdrom")]
    [InlineData("format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/images/cd.iso")]
    public void DocumentedEquivalentFormsOfOneCdrom(string spec)
    {
        Assert.Equal(
            new DiskSpec
            {
                Target = "/images/cd.iso", Vdev = "hdc", Format = DiskFormat.Raw, Access = DiskAccess.ReadOnly,
                DevType = DiskDevType.Cdrom, Removable = true,
            },
            Ok(spec));
    }

    [Theory]
    [InlineData(",hdc:cdrom,r")]
    [InlineData(",,hdc,cdrom")]
    [InlineData("vdev=hdc,devtype=cdrom")]
    public void EmptyCdromDrive(string spec)
    {
        var d = Ok(spec);
        Assert.True(string.IsNullOrEmpty(d.Target));
        Assert.Equal(DiskFormat.Empty, d.Format);
        Assert.Equal(DiskDevType.Cdrom, d.DevType);
        Assert.Equal(DiskAccess.ReadOnly, d.Access);
    }

    [Fact]
    public void TargetSwallowsTheRestIncludingCommasAndColons()
    {
        var d = Ok("vdev=xvda, format=qcow2, target=rbd:pool/img,id=admin:conf=/etc/ceph.conf,");
        Assert.Equal("rbd:pool/img,id=admin:conf=/etc/ceph.conf", d.Target);
        Assert.Equal(DiskFormat.Qcow2, d.Format);
    }

    [Fact]
    public void NamedParametersAndFlags()
    {
        var d = Ok("backend=driverdom,backendtype=qdisk,specification=virtio,script=block-drbd,direct-io-safe,no-discard,"
            + "colo,colo-host=10.0.0.2,colo-port=9000,colo-export=e1,active-disk=/a,hidden-disk=/h,/img,qcow2,xvdb,r");
        Assert.Equal("driverdom", d.BackendDomain);
        Assert.Equal("qdisk", d.BackendType);
        Assert.Equal("virtio", d.Specification);
        Assert.Equal("block-drbd", d.Script);
        Assert.True(d.DirectIoSafe);
        Assert.False(d.Discard);
        Assert.True(d.Colo);
        Assert.Equal(("10.0.0.2", 9000, "e1", "/a", "/h"), (d.ColoHost, d.ColoPort, d.ColoExport, d.ActiveDisk, d.HiddenDisk));
        Assert.Equal(("/img", DiskFormat.Qcow2, "xvdb", DiskAccess.ReadOnly), (d.Target, d.Format, d.Vdev, d.Access));
    }

    [Theory]
    [InlineData("iscsi:iqn.2001-05.com.example:disk,xvda", "block-iscsi", "iqn.2001-05.com.example:disk")]
    [InlineData("nbd:host 1234,xvda", "block-nbd", "host 1234")]
    [InlineData("enbd:x,xvda", "block-enbd", "x")]
    [InlineData("drbd:res0,xvda", "block-drbd", "res0")]
    public void DeprecatedScriptPrefixes(string spec, string script, string target)
    {
        var d = Ok(spec);
        Assert.Equal(script, d.Script);
        Assert.Equal(target, d.Target);
    }

    [Theory]
    [InlineData("tap:aio:/img,xvda,w")]
    [InlineData("tap2:aio:/img,xvda,w")]
    [InlineData("tapdisk:/img,xvda,w")]
    [InlineData("file:/img,xvda,w")]
    [InlineData("aio:/img,xvda,w")]
    public void DeprecatedIgnoredPrefixes(string spec) => Assert.Equal("/img", Ok(spec).Target);

    [Theory]
    [InlineData("qcow:/img,xvda", DiskFormat.Qcow)]
    [InlineData("qcow2:/img,xvda", DiskFormat.Qcow2)]
    [InlineData("vhd:/img,xvda", DiskFormat.Vhd)]
    [InlineData("tap:qcow2:/img,xvda", DiskFormat.Qcow2)]
    [InlineData("/img,qed,xvda", DiskFormat.Qed)]
    public void FormatsFromPrefixesAndPositions(string spec, DiskFormat format) => Assert.Equal(format, Ok(spec).Format);

    [Fact]
    public void CdromForcesReadOnlyEvenWhenWritable() =>
        Assert.Equal(DiskAccess.ReadOnly, Ok("/a.iso,raw,hdc:cdrom,w").Access);

    [Fact]
    public void EmptyEarlierValueMayBeOverwritten() => Assert.Equal("xvdb", Ok("vdev=,vdev=xvdb,/a").Vdev);

    [Fact]
    public void BlockAttachJoinsSeveralArguments()
    {
        var r = DiskSpecParser.Parse(["/dev/vg/x", "raw", "xvda", "w"], "command line");
        Assert.True(r.Ok);
        Assert.Equal(("/dev/vg/x", "xvda"), (r.Value!.Target, r.Value.Vdev));
    }

    public static TheoryData<string, string> Errors => new()
    {
        { "foo=bar,xvda", "unknown parameter: near `foo=b' in `foo=bar,xvda'" },
        { "/a,qcow3,xvda", "unknown value for format: near `qcow3' in `/a,qcow3,xvda'" },
        { "/a,,xvda,z", "unknown value for access: near `z' in `/a,,xvda,z'" },
        { "access=x,/a,,xvda", "unknown value for access: near `x' in `access=x,/a,,xvda'" },
        { "devtype=floppy,/a,,xvda", "unknown value for type: near `devtype=floppy,' in `devtype=floppy,/a,,xvda'" },
        { "backendtype=nfs,/a,,xvda", "unknown value for backendtype: near `nfs' in `backendtype=nfs,/a,,xvda'" },
        { "specification=scsi,/a,,xvda", "unknown value for specification: near `scsi' in `specification=scsi,/a,,xvda'" },
        { "colo-port=x,/a,,xvda", "unknown value for colo_port: near `x' in `colo-port=x,/a,,xvda'" },
        { "/a,,xvda,r,w", "too many positional parameters: near `w' in `/a,,xvda,r,w'" },
        { "foo:/x,xvda", "unknown deprecated disk prefix: near `foo:' in `foo:/x,xvda'" },
        { ",hdc:floppy", "unknown deprecated type: near `floppy' in `,hdc:floppy'" },
        { "/a,,xvda,==", "bad disk syntax: near `==' in `/a,,xvda,=='" },
        { "vdev=xvda,vdev=xvdb,/a", "vdev respecified: near `xvdb' in `vdev=xvda,vdev=xvdb,/a'" },
        { "/a,target=/b", "target respecified: near `/b' in `/a,target=/b'" },
        { "script=x,iscsi:y,xvda", "script respecified: near `block-iscsi' in `script=x,iscsi:y,xvda'" },
        { "/a,raw,xvda,format=qcow2", "format respecified: near `qcow2' in `/a,raw,xvda,format=qcow2'" },
        { "backendtype=phy,backendtype=tap,/a,,xvda", "backend respecified: near `tap' in `backendtype=phy,backendtype=tap,/a,,xvda'" },
        { "specification=xen,specification=virtio,/a,,xvda", "specification respecified: near `virtio' in `specification=xen,specification=virtio,/a,,xvda'" },
        { "/dev/sda", "no vdev specified in `/dev/sda'" },
        { "vdev=xvda", "no target specified (and device not removable) in `vdev=xvda'" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void ErrorMessagesAreXensExactLines(string spec, string message) =>
        Assert.Equal($"{Cfg}: config parsing error in disk specification: {message}", Error(spec));

    [Fact]
    public void SeveralErrorsInOneStringAreAllReported()
    {
        var r = DiskSpecParser.Parse("format=x,access=y,/a,,xvda", Cfg);
        Assert.Equal(
        [
            $"{Cfg}: config parsing error in disk specification: unknown value for format: near `x' in `format=x,access=y,/a,,xvda'",
            $"{Cfg}: config parsing error in disk specification: unknown value for access: near `y' in `format=x,access=y,/a,,xvda'",
        ], r.Errors);
    }

    [Fact]
    public void NoStringsAtAllReportsTheNullSpecAsGlibcPrintsIt()
    {
        var r = DiskSpecParser.Parse(Array.Empty<string>(), "command line");
        Assert.Equal("command line: config parsing error in disk specification: no vdev specified in `(null)'", Assert.Single(r.Errors));
    }

    [Fact]
    public void ScannerJamOnEqualsBeforeNewlineIsReportedAsXlDies() =>
        Assert.Equal("flex scanner jammed", DiskSpecParser.Parse("=\n", Cfg).Errors[^1]);

    [Fact]
    public void QuirkTrailingEqualsAtEndIsIgnored() => Assert.Equal("xvda", Ok("/a,,xvda,=").Vdev);

    [Fact]
    public void QuirkGrantUsageIsNotKnownToXen417() =>
        Assert.Equal($"{Cfg}: config parsing error in disk specification: bad disk syntax: near `=1,/x,xvda' in `grant_usage=1,/x,xvda'",
            Error("grant_usage=1,/x,xvda"));
}
