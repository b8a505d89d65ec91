using Xeno.Cli.Commands.Network;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Network.Hotplug;

namespace Xeno.Engine.Tests.Network.Hotplug;

/// <summary>GET /v1/domains/{dom}/nics from a domain's vifs, and the rows xl network-list prints from it.</summary>
public sealed class NicListingTests
{
    private static DomainSnapshot Snapshot(string config, int domid = 7) =>
        new(domid, "n", Unit.Specs.From(config), DomainPhase.Running, false, null, DateTimeOffset.UnixEpoch,
            new EnginePaths("/p").FilesFor(domid, "n"), 1, TimeSpan.Zero, []);

    [Fact]
    public void EveryVifByDevidWithXenstoresValues()
    {
        var s = Snapshot("name=\"n\"\ntype=\"hvm\"\nmemory=64\n" +
            "vif=['devid=3,mac=00:16:3e:00:00:03,bridge=br1,model=e1000', 'mac=00:16:3e:00:00:00,script=vif-route,ip=10.0.0.2,vifname=web0']\n");
        var nics = NicListing.Of(s);
        // Without devid= a vif takes its index in the list (1 here).
        Assert.Equal([1, 3], nics.Select(n => n.Devid));
        var n0 = nics[0];
        Assert.Equal(("00:16:3e:00:00:00", "web0", "/etc/xen/scripts/vif-route", "10.0.0.2", "ioemu", "rtl8139"),
            (n0.Mac, n0.Interface, n0.Script, n0.Ip, n0.Type, n0.Model));
        Assert.Equal("/local/domain/0/backend/vif/7/3", nics[1].BackendPath);
        Assert.Equal(("vif7.3", "e1000", "br1"), (nics[1].Interface, nics[1].Model, nics[1].Bridge));
        Assert.All(nics, n => Assert.Equal((0, 4, -1, -1, -1), (n.BackendId, n.State, n.EventChannel, n.TxRingRef, n.RxRingRef)));

        Assert.Equal("3   0  00:16:3e:00:00:03     3     4     -1    -1/-1          /local/domain/0/backend/vif/7/3\n",
            NetworkListCommand.Row(nics[1]));
    }

    [Fact]
    public void PvNicsAreVirtioAndNoVifsIsAnEmptyList()
    {
        var pv = NicListing.Of(Snapshot("name=\"n\"\ntype=\"pv\"\nkernel=\"/k\"\nmemory=64\nvif=['mac=00:16:3e:00:00:01']\n", 12));
        Assert.Equal(("virtio-net-pci", "vif12.0", "vif"), (pv[0].Model, pv[0].Interface, pv[0].Type));
        Assert.Empty(NicListing.Of(Snapshot("name=\"n\"\ntype=\"pv\"\nkernel=\"/k\"\nmemory=64\n")));
    }
}
