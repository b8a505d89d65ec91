using Xeno.Config.Domain;
using Xeno.Engine.Devices.Block;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Tests.Unit;
using Xeno.Qemu.Acceleration;

namespace Xeno.Engine.Tests.Devices;

/// <summary>
/// The disk order a guest meets under QEMU and root= translation (GuestDiskOrder,
/// RootDeviceTranslation): pure, on specs built from real xl.cfg text.
/// </summary>
public sealed class GuestDiskNameTests
{
    private static DomainSpec Pv(string disks, string extra = "", string type = "pv") =>
        Specs.From($"name=\"g\"\ntype=\"{type}\"\nmemory=64\nkernel=\"/k\"\nextra=\"{extra}\"\ndisk=[{disks}]\n");

    [Fact]
    public void DisksGoOntoTheBusInVdevOrderWhateverTheConfigOrder()
    {
        var spec = Pv("'/c.img,raw,xvdc,rw', '/a.img,raw,xvda,rw', '/b.img,raw,xvdb,rw'");
        var files = new EnginePaths("/p").FilesFor(3, "g");
        var m = MachineMapper.Map(spec, files, Accelerator.Tcg, false, null);
        Assert.Equal(["/a.img", "/b.img", "/c.img"], m.Disks.Select(d => d.Path));
        Assert.Equal(["vbd51712", "vbd51728", "vbd51744"], m.Disks.Select(d => d.Id!));
    }

    [Fact]
    public void VirtioNamesFollowBlkfrontsDiskIndexThenTheDeviceNumber()
    {
        // hda, sda and xvda are all index 0 (blkfront calls each xvda); a gap in the vdevs
        // closes up, as Linux gives virtio disks consecutive letters.
        var spec = Pv("'/1,raw,xvdd,rw', '/2,raw,sda,rw', '/3,raw,xvdb,rw', '/4,raw,hda,rw', '/5,raw,xvdab,rw', '/6,raw,51712,rw'");
        var names = GuestDiskOrder.VirtioNames(spec.Disks);
        Assert.Equal("vda", names[768]);
        Assert.Equal("vdb", names[2048]);
        Assert.Equal("vdc", names[51728]); // xvdb
        Assert.Equal("vdd", names[51760]); // xvdd
        Assert.Equal("vde", names[(1 << 28) | (27 << 8)]); // xvdab, an extended number
        Assert.Equal("vdf", names[51712]); // the legacy numeric vdev comes last
    }

    [Theory]
    [InlineData(0, "a")]
    [InlineData(25, "z")]
    [InlineData(26, "aa")]
    [InlineData(27, "ab")]
    [InlineData(701, "zz")]
    [InlineData(702, "aaa")]
    public void LettersCountAsLinuxNamesDisks(int index, string letters) =>
        Assert.Equal(letters, GuestDiskOrder.Letters(index));

    [Theory]
    // Whole-disk vdevs: a partition keeps its number, the disk takes its guest letter.
    [InlineData("'/b,raw,xvdb,rw', '/a,raw,xvda,rw'", "root=/dev/xvdb1 ro", "root=/dev/vdb1 ro")]
    [InlineData("'/b,raw,xvdc,rw', '/a,raw,xvda,rw'", "console=hvc0 root=/dev/xvdc2", "console=hvc0 root=/dev/vdb2")]
    [InlineData("'/a,raw,xvda,rw'", "root=/dev/xvda", "root=/dev/vda")]
    [InlineData("'/a,raw,hda,rw', '/b,raw,hdb,rw'", "root=/dev/hdb3", "root=/dev/vdb3")]
    [InlineData("'/s,raw,sdb,rw', '/a,raw,xvda,rw'", "root=/dev/sdb1", "root=/dev/vdb1")]
    // blkfront names an hdX/sdX disk xvdX, so an xvd root finds it.
    [InlineData("'/a,raw,hda,rw'", "root=/dev/xvda1", "root=/dev/vda1")]
    [InlineData("'/a,raw,sdc,rw', '/b,raw,xvdb,rw'", "root=/dev/xvdc1", "root=/dev/vdb1")]
    // A partition vdev (the classic sda1 image) is a whole virtio disk in the guest.
    [InlineData("'/root.img,raw,sda1,w', '/swap.img,raw,sda2,w'", "root=/dev/sda1 ro", "root=/dev/vda ro")]
    [InlineData("'/root.img,raw,xvda2,w', '/boot.img,raw,xvda1,w'", "root=/dev/xvda2", "root=/dev/vdb")]
    // Extended numbers (partition > 15 of xvda) still find the whole disk.
    [InlineData("'/a,raw,xvda,rw'", "root=/dev/xvda17", "root=/dev/vda17")]
    // Every root= word is translated (the kernel uses the last); other words and quotes untouched.
    [InlineData("'/a,raw,xvda,rw'", "a=\"x root=/dev/xvda1\" root=/dev/xvda1  root=/dev/xvda2", "a=\"x root=/dev/xvda1\" root=/dev/vda1  root=/dev/vda2")]
    public void RootNamesTheDiskTheGuestSees(string disks, string before, string after)
    {
        var spec = Pv(disks);
        var t = RootDeviceTranslation.Translate(before, spec.Disks);
        Assert.Equal(after, t.CommandLine);
        Assert.NotEmpty(t.Renames);
        Assert.Empty(t.Unknown);
    }

    [Theory]
    [InlineData("'/a,raw,xvda,rw'", "root=UUID=1234-abcd ro")]
    [InlineData("'/a,raw,xvda,rw'", "root=LABEL=root")]
    [InlineData("'/a,raw,xvda,rw'", "root=/dev/mapper/vg-root")]
    [InlineData("'/a,raw,xvda,rw'", "noroot=/dev/xvda1 xroot=/dev/xvda1")]
    [InlineData("'/a,raw,xvda,rw'", "")]
    // An sd root does not name an xvd disk: a Xen guest would not have had that name either.
    [InlineData("'/a,raw,xvda,rw'", "root=/dev/sda1")]
    public void OtherRootsStayAsTheyAre(string disks, string line)
    {
        var t = RootDeviceTranslation.Translate(line, Pv(disks).Disks);
        Assert.Equal(line, t.CommandLine);
        Assert.Empty(t.Renames);
    }

    [Fact]
    public void ARootNoDiskMatchesIsReportedAndKept()
    {
        var t = RootDeviceTranslation.Translate("root=/dev/xvdq1 ro", Pv("'/a,raw,xvda,rw'").Disks);
        Assert.Equal("root=/dev/xvdq1 ro", t.CommandLine);
        Assert.Equal(["/dev/xvdq1"], t.Unknown);
    }

    [Fact]
    public void PvAndPvhSpecsAreTranslatedAtStartHvmIsNot()
    {
        var log = new EngineLog(null, TimeProvider.System);
        var pv = GuestRootDevice.Apply(Pv("'/b,raw,xvdb,rw'", "console=hvc0 root=/dev/xvdb1"), 1, log);
        Assert.Equal("console=hvc0 root=/dev/vda1", pv.Cmdline);
        var pvh = GuestRootDevice.Apply(Pv("'/b,raw,xvdb,rw'", "root=/dev/xvdb", "pvh"), 1, log);
        Assert.Equal("root=/dev/vda", pvh.Cmdline);
        var hvm = Specs.From("name=\"h\"\ntype=\"hvm\"\nmemory=64\nkernel=\"/k\"\nextra=\"root=/dev/xvdb1\"\ndisk=['/b,raw,xvdb,rw']\n");
        Assert.Equal("root=/dev/xvdb1", GuestRootDevice.Apply(hvm, 1, log).Cmdline);
    }

    /// <summary>The command line may come from a guest's grub.cfg: random text never throws,
    /// and everything but root=/dev/ words comes out unchanged.</summary>
    [Fact]
    public void RandomCommandLinesAreSafe()
    {
        var rng = new Random(11);
        var disks = Pv("'/a,raw,xvda,rw', '/b,raw,hdb,rw', '/c,raw,sda1,rw'").Disks;
        string[] pieces = ["root=/dev/", "xvd", "hd", "sd", "a", "b", "z", "1", "0", "17", "\"", " ", "\t", "=", "root=", "/dev/", "p", "d0p1", "x", "\u00e9"];
        for (int n = 0; n < 5000; n++)
        {
            var line = string.Concat(Enumerable.Range(0, rng.Next(12)).Select(_ => pieces[rng.Next(pieces.Length)]));
            var t = RootDeviceTranslation.Translate(line, disks);
            if (t.Renames.Count == 0)
                Assert.Equal(line, t.CommandLine);
            Assert.Equal(line.Count(c => c == '"'), t.CommandLine.Count(c => c == '"'));
        }
    }
}
