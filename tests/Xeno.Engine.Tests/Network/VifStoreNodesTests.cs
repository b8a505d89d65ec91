using Xeno.Engine.Network;

namespace Xeno.Engine.Tests.Network;

/// <summary>The vif nodes libxl writes: backend, frontend and libxl's copy, with Xen's keys.</summary>
public sealed class VifStoreNodesTests
{
    [Fact]
    public void BackendFrontendAndLibxlNodesCarryXensKeys()
    {
        var spec = Unit.Specs.From("name=\"w\"\ntype=\"hvm\"\nmemory=64\n" +
            "vif=['mac=00:16:3e:00:00:01,bridge=br0,rate=10Mb/s', 'mac=00:16:3e:00:00:02,script=vif-route,ip=10.0.0.9,mtu=9000,vifname=w-eth1,gatewaydev=eth1']\n");
        var nodes = spec.Vifs.SelectMany(v => VifStoreNodes.For(5, v)).ToDictionary(n => n.Path, n => n.Value);
        const string b0 = "/local/domain/0/backend/vif/5/0", f0 = "/local/domain/5/device/vif/0";
        Assert.Equal("5", nodes[b0 + "/frontend-id"]);
        Assert.Equal(f0, nodes[b0 + "/frontend"]);
        Assert.Equal("/etc/xen/scripts/vif-bridge", nodes[b0 + "/script"]);
        Assert.Equal("00:16:3e:00:00:01", nodes[b0 + "/mac"]);
        Assert.Equal("br0", nodes[b0 + "/bridge"]);
        Assert.Equal("0", nodes[b0 + "/handle"]);
        Assert.Equal("vif_ioemu", nodes[b0 + "/type"]);
        Assert.Equal("62500,50000", nodes[b0 + "/rate"]);
        Assert.Equal("connected", nodes[b0 + "/hotplug-status"]);
        Assert.False(nodes.ContainsKey(b0 + "/mtu"));
        Assert.Equal(b0, nodes[f0 + "/backend"]);
        Assert.Equal("0", nodes[f0 + "/backend-id"]);
        Assert.Equal("1500", nodes[f0 + "/mtu"]);
        Assert.Equal("1", nodes[f0 + "/trusted"]);
        Assert.Equal(f0, nodes["/libxl/5/device/vif/0/frontend"]);
        Assert.Equal("br0", nodes["/libxl/5/device/vif/0/bridge"]);

        const string b1 = "/local/domain/0/backend/vif/5/1";
        Assert.Equal("/etc/xen/scripts/vif-route", nodes[b1 + "/script"]);
        Assert.Equal("10.0.0.9", nodes[b1 + "/ip"]);
        Assert.Equal("9000", nodes[b1 + "/mtu"]);
        Assert.Equal("w-eth1", nodes[b1 + "/vifname"]);
        Assert.Equal("eth1", nodes[b1 + "/gatewaydev"]);
        Assert.Equal("9000", nodes["/local/domain/5/device/vif/1/mtu"]);
    }
}
