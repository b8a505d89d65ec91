using Xeno.Engine.Statistics;
using Xeno.Engine.Tests.Network;

namespace Xeno.Engine.Tests.Statistics;

/// <summary>
/// TapCounters on a real interface: a veth pair whose host end stands for a vif's tap and whose
/// other end, in a namespace of this run, for the guest. Raw Ethernet frames of a known size go
/// each way (IPv6 off on both ends, no addresses, so the kernel sends nothing of its own), and
/// the counters must show them from the guest's side: what the namespace sent is the guest's TX.
/// </summary>
public sealed class TapCountersHostTests
{
    [Fact]
    public void CountersAreTheGuestsViewOfTheTap()
    {
        using var net = new TestNet();
        var ns = net.Name("xtc");
        var tap = net.Name("vtc");
        net.Make(["ip", "netns", "add", ns], ["ip", "netns", "del", ns]);
        net.Make(["ip", "link", "add", tap, "type", "veth", "peer", "name", "eth0", "netns", ns], ["ip", "link", "del", tap]);
        TestNet.Run("sysctl", "-q", "-w", $"net.ipv6.conf.{tap}.disable_ipv6=1");
        TestNet.Run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.eth0.disable_ipv6=1");
        TestNet.Run("ip", "-n", ns, "link", "set", "eth0", "up");
        TestNet.Run("ip", "link", "set", tap, "up");

        var counters = new TapCounters();
        var before = counters.Read(tap);
        Assert.NotNull(before);
        Assert.Equal(tap, before.Interface);

        // The "guest" sends 50 frames of 600 bytes: the tap receives them, the guest transmitted them.
        SendFrames(["ip", "netns", "exec", ns], "eth0", count: 50, size: 600);
        // The host sends 20 frames of 400 bytes out of the tap: the guest received them.
        SendFrames([], tap, count: 20, size: 400);

        var after = counters.Read(tap)!;
        Assert.Equal(50, after.TxPackets - before.TxPackets);
        Assert.Equal(50 * 600, after.TxBytes - before.TxBytes);
        Assert.Equal(20, after.RxPackets - before.RxPackets);
        Assert.Equal(20 * 400, after.RxBytes - before.RxBytes);
        Assert.Equal(0, after.TxErrors + after.RxErrors);

        // Gone or not an interface name: no figures, no exception.
        TestNet.Run("ip", "link", "del", tap);
        Assert.Null(counters.Read(tap));
        Assert.Null(counters.Read("../x"));
        Assert.Null(counters.Read(".."));
        Assert.Null(counters.Read(""));
    }

    /// <summary>Broadcast frames of a local experimental EtherType (0x88b5) through a packet socket.</summary>
    private static void SendFrames(string[] prefix, string device, int count, int size)
    {
        var script = "import socket\n" +
                     "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n" +
                     $"s.bind(('{device}', 0))\n" +
                     $"f = b'\\xff' * 6 + b'\\x02' + b'\\x00' * 5 + b'\\x88\\xb5' + b'\\x00' * {size - 14}\n" +
                     $"for _ in range({count}): assert s.send(f) == {size}\n";
        TestNet.Run([.. prefix, "python3", "-c", script]);
    }
}
