using System.Text.Json;
using Xeno.Engine.Migration;
using Xeno.Migration.Streams;

namespace Xeno.Engine.Tests.Unit.Migration;

/// <summary>The target's check of what an incoming domain opens, and QEMU's migration blockers, decided on given facts.</summary>
public sealed class IncomingDevicesTests
{
    private const string Hvm =
        "name=\"h\"\ntype=\"hvm\"\nmemory=128\n" +
        "disk=['/srv/a.img,raw,hda,rw', '/isos/cd.iso,raw,hdc,ro,devtype=cdrom', ',raw,hdd,ro,devtype=cdrom', '/srv/ro.img,raw,xvdb,ro']\n";

    private const string Pv = "name=\"p\"\ntype=\"pv\"\nmemory=64\nkernel=\"/boot/k\"\nramdisk=\"/boot/r\"\ndisk=['/local/d.img,raw,xvda,rw']\n";

    private static Func<string, bool> Only(params string[] present) => p => present.Contains(p);

    [Fact]
    public void Everything_present_gives_no_problem()
    {
        var spec = Specs.From(Hvm);
        Assert.Empty(IncomingDevices.Problems(spec, [], bootFilesOnHost: true, Only("/srv/a.img", "/isos/cd.iso", "/srv/ro.img")));
        Assert.Null(IncomingDevices.Refusal("h", []));
    }

    [Fact]
    public void Every_missing_disk_and_cd_image_is_named_with_its_vdev_and_path()
    {
        var problems = IncomingDevices.Problems(Specs.From(Hvm), [], bootFilesOnHost: true, Only("/srv/ro.img"));
        Assert.Equal(2, problems.Count);
        Assert.Equal("disk vdev=hda: /srv/a.img does not exist on this host (without --copy-storage a disk must be on storage both hosts see under the same path)", problems[0]);
        Assert.Equal("CD-ROM vdev=hdc: image /isos/cd.iso does not exist on this host (a CD image must be at the same path on both hosts)", problems[1]);
        var refusal = IncomingDevices.Refusal("h", problems);
        Assert.NotNull(refusal);
        Assert.StartsWith("domain h cannot run on this host: disk vdev=hda: /srv/a.img does not exist", refusal);
        Assert.Contains("; CD-ROM vdev=hdc: image /isos/cd.iso", refusal);
        Assert.DoesNotContain('\n', refusal);
    }

    [Fact]
    public void An_empty_cd_drive_needs_nothing() =>
        Assert.DoesNotContain(IncomingDevices.Problems(Specs.From(Hvm), [], true, Only()), p => p.Contains("hdd", StringComparison.Ordinal));

    [Fact]
    public void Kernel_and_ramdisk_must_be_here_unless_a_bootloader_reads_them_from_the_disk()
    {
        var spec = Specs.From(Pv);
        var problems = IncomingDevices.Problems(spec, [], bootFilesOnHost: true, Only("/local/d.img"));
        Assert.Equal(["kernel /boot/k does not exist on this host", "ramdisk /boot/r does not exist on this host"], problems);
        Assert.Empty(IncomingDevices.Problems(spec, [], bootFilesOnHost: false, Only("/local/d.img")));
    }

    [Fact]
    public void A_copied_disk_must_be_absent_and_its_folder_present()
    {
        var spec = Specs.From(Pv);
        CopiedDisk[] copied = [new("xvda", "xvda", "/local/d.img", "raw", 1 << 20)];
        Assert.Empty(IncomingDevices.Problems(spec, copied, true, Only("/boot/k", "/boot/r", "/local")));
        Assert.Equal(["disk vdev=xvda: the folder /local for its copy does not exist on this host"],
            IncomingDevices.Problems(spec, copied, true, Only("/boot/k", "/boot/r")));
        var there = Assert.Single(IncomingDevices.Problems(spec, copied, true, Only("/boot/k", "/boot/r", "/local", "/local/d.img")));
        Assert.StartsWith("disk vdev=xvda: /local/d.img already exists on this host; --copy-storage copies only to a host without it", there);
    }

    [Fact]
    public void Qemus_blocked_reasons_are_read_and_refused()
    {
        using var blocked = JsonDocument.Parse("""{"status":"none","blocked-reasons":["VFIO device doesn't support migration","x"]}""");
        var reasons = MigrationBlockers.Read(blocked.RootElement);
        Assert.Equal(["VFIO device doesn't support migration", "x"], reasons);
        Assert.Equal("Domain 3 (web) cannot be migrated: QEMU refuses: VFIO device doesn't support migration; x",
            MigrationBlockers.Refusal(3, "web", reasons));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"status":"none"}""")]
    [InlineData("""{"blocked-reasons":[]}""")]
    [InlineData("""{"blocked-reasons":"not a list"}""")]
    [InlineData("""[1,2]""")]
    public void No_blocked_reasons_means_none(string json)
    {
        using var reply = JsonDocument.Parse(json);
        Assert.Empty(MigrationBlockers.Read(reply.RootElement));
        Assert.Null(MigrationBlockers.Refusal(1, "a", MigrationBlockers.Read(reply.RootElement)));
    }
}
