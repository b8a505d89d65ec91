using System.Text.Json;
using Xeno.Config.Domain;
using static Xeno.Config.Tests.Domain.DomainTestSupport;

namespace Xeno.Config.Tests.Domain;

public class DomainSpecJsonTests
{
    [Fact]
    public void HasEveryDocumentedKeyInOrder()
    {
        var d = BuildOk("name='web'\nkernel='/boot/vmlinuz'\nramdisk='/boot/initrd'\nmemory=512\nvcpus=2\nextra='console=hvc0'\n" +
                        "uuid='3f2504e0-4f89-11d3-9a0c-0305e82c3301'\n" +
                        "disk=['/images/web.qcow2,qcow2,xvda,rw', ',,hdc:cdrom,r']\n" +
                        "vif=['mac=00:16:3e:01:02:03,bridge=br0,ip=10.0.0.2,rate=1MB/s@20ms']\n");
        using var doc = JsonDocument.Parse(DomainSpecJson.Write(d));
        var root = doc.RootElement;
        Assert.Equal(
            ["name", "type", "uuid", "memory", "maxmem", "vcpus", "maxvcpus", "cpus", "cpus_soft", "cpu_weight", "cap", "pool",
             "on_poweroff", "on_reboot", "on_watchdog", "on_crash", "on_soft_reset", "kernel", "ramdisk", "cmdline",
             "bootloader", "bootloader_args", "boot", "accel", "vnc", "hvm", "disks", "vifs"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("web", root.GetProperty("name").GetString());
        Assert.Equal("pv", root.GetProperty("type").GetString());
        Assert.Equal("3f2504e0-4f89-11d3-9a0c-0305e82c3301", root.GetProperty("uuid").GetString());
        Assert.Equal(512, root.GetProperty("memory").GetInt32());
        Assert.Equal(2, root.GetProperty("vcpus").GetInt32());
        Assert.Equal("console=hvc0", root.GetProperty("cmdline").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("boot").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("hvm").ValueKind);

        var disks = root.GetProperty("disks");
        Assert.Equal(2, disks.GetArrayLength());
        var disk = disks[0];
        Assert.Equal(["target", "format", "vdev", "devid", "access", "devtype", "script"], disk.EnumerateObject().Select(p => p.Name));
        Assert.Equal("/images/web.qcow2", disk.GetProperty("target").GetString());
        Assert.Equal("qcow2", disk.GetProperty("format").GetString());
        Assert.Equal(51712, disk.GetProperty("devid").GetInt32());
        Assert.Equal("rw", disk.GetProperty("access").GetString());
        var cd = disks[1];
        Assert.Equal(JsonValueKind.Null, cd.GetProperty("target").ValueKind);
        Assert.Equal("cdrom", cd.GetProperty("devtype").GetString());
        Assert.Equal("ro", cd.GetProperty("access").GetString());

        var vif = root.GetProperty("vifs")[0];
        Assert.Equal(["devid", "mac", "bridge", "ip", "script", "type", "model", "vifname", "rate", "mtu", "gatewaydev", "backend"],
            vif.EnumerateObject().Select(p => p.Name));
        Assert.Equal("00:16:3e:01:02:03", vif.GetProperty("mac").GetString());
        Assert.Equal("10.0.0.2", vif.GetProperty("ip").GetString());
        Assert.Equal(20000, vif.GetProperty("rate").GetProperty("bytes_per_interval").GetInt64());
        Assert.Equal(20000, vif.GetProperty("rate").GetProperty("interval_usecs").GetInt64());
    }

    [Fact]
    public void HvmSectionAndPasswordIsNotPrinted()
    {
        var d = BuildOk("name='w'\ntype='hvm'\nboot='dc'\nvncpasswd='hunter2'\nserial='pty'\n");
        var json = DomainSpecJson.Write(d);
        Assert.DoesNotContain("hunter2", json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("dc", doc.RootElement.GetProperty("boot").GetString());
        Assert.True(doc.RootElement.GetProperty("vnc").GetProperty("password_set").GetBoolean());
        Assert.Equal("pty", doc.RootElement.GetProperty("hvm").GetProperty("serial")[0].GetString());
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 0, 2, 3, 6 }, "0,2-3,6")]
    [InlineData(new[] { 5 }, "5")]
    [InlineData(new int[0], "none")]
    public void CpuRangesFormatLikeXl(int[] cpus, string expected)
    {
        Assert.Equal(expected, CpuRanges.Format(cpus.ToHashSet()));
    }
}
