using Xeno.Qemu.Machine;

namespace Xeno.Qemu.Tests.Machine;

public class NicArgumentsTests
{
    private static MachineSpec Pv(params NicSpec[] nics) => new()
    {
        Name = "web",
        Kind = GuestKind.Pv,
        MemoryMiB = 256,
        DirectBoot = new DirectBoot("/boot/vmlinuz"),
        Files = new RuntimeFiles("/r/q", "/r/c", "/r/l", "/r/a", "/r/p"),
        Nics = nics,
    };

    [Fact]
    public void EachNicIsATapNetdevAndADeviceAtTheEndOfTheVector()
    {
        var args = QemuCommandLine.Build(Pv(
            new NicSpec(0, "vif3.0", "00:16:3e:01:02:03", "virtio-net-pci"),
            new NicSpec(2, "web,eth1", "00:16:3e:0a:0b:0c", "e1000"))).Arguments;
        string[] expected =
        [
            "-netdev", "tap,id=net0,ifname=vif3.0,script=no,downscript=no",
            "-device", "virtio-net-pci,id=nic0,netdev=net0,mac=00:16:3e:01:02:03",
            "-netdev", "tap,id=net2,ifname=web,,eth1,script=no,downscript=no",
            "-device", "e1000,id=nic2,netdev=net2,mac=00:16:3e:0a:0b:0c",
        ];
        Assert.Equal(expected, args.TakeLast(8));
    }

    [Fact]
    public void NoNicsMeansNoNetworkArguments() =>
        Assert.DoesNotContain("-netdev", QemuCommandLine.Build(Pv()).Arguments);

    [Theory]
    [InlineData(0, "vif1.0", "00:16:3E:01:02:03", "e1000", "mac")]
    [InlineData(0, "vif1.0", "00:16:3e:01:02:03", "e1000,addr=3", "model")]
    [InlineData(0, "a-very-long-name0", "00:16:3e:01:02:03", "e1000", "tap name")]
    [InlineData(-1, "vif1.0", "00:16:3e:01:02:03", "e1000", "negative")]
    public void BadNicsAreRefusedNamingTheProblem(int devid, string tap, string mac, string model, string problem)
    {
        var e = Assert.Throws<MachineSpecException>(() => QemuCommandLine.Build(Pv(new NicSpec(devid, tap, mac, model))));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateDevidsAreRefused() =>
        Assert.Throws<MachineSpecException>(() => QemuCommandLine.Build(Pv(
            new NicSpec(1, "vif1.1", "00:16:3e:01:02:03", "e1000"), new NicSpec(1, "x", "00:16:3e:01:02:04", "e1000"))));
}
