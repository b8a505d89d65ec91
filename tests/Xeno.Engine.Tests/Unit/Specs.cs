using Xeno.Config.Domain;
using Xeno.Config.Host;
using Xeno.Config.Language;
using Xeno.Config.Specs;

namespace Xeno.Engine.Tests.Unit;

/// <summary>DomainSpecs built from xl.cfg text with the real builder (fixed randomness).</summary>
internal static class Specs
{
    public static DomainSpec From(string cfg)
    {
        var parse = ConfigParser.Parse(cfg, "test.cfg");
        Assert.True(parse.Success, string.Join("\n", parse.DiagnosticLines()));
        var build = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(GlobalConfig.Default, HostCpuTopology.SingleNode(4), new Random(7)));
        Assert.True(build.Ok, string.Concat(build.Messages));
        return build.Spec!;
    }

    public static readonly string[] Samples =
    [
        "name=\"pv1\"\ntype=\"pv\"\nmemory=256\nkernel=\"/k\"\nramdisk=\"/r\"\nextra=\"console=hvc0\"\ndisk=['/d.img,raw,xvda,rw']\n",
        "name=\"h\"\ntype=\"hvm\"\nmemory=512\nvcpus=2\nmaxvcpus=4\ncpus=\"0-1\"\nboot=\"dc\"\nhdtype=\"ahci\"\nvnc=1\nvncdisplay=3\n" +
            "disk=['/a.qcow2,qcow2,hda,rw', '/cd.iso,raw,hdc,ro,devtype=cdrom', 'format=raw,vdev=xvdb,access=ro,target=/x']\n" +
            "on_crash=\"coredump-restart\"\non_reboot=\"rename-restart\"\nserial=\"pty\"\n",
        "name=\"p\"\ntype=\"pvh\"\nmemory=64\nmaxmem=128\nkernel=\"/vmlinux\"\ncmdline=\"root=/dev/xvda\"\non_poweroff=\"preserve\"\nvif=['mac=00:16:3e:00:00:01,bridge=br0,rate=10Mb/s']\n",
    ];
}
