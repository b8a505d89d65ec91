using System.Net.Sockets;
using Xeno.Store.Tests.Support;
using Xeno.Store.Wire;

namespace Xeno.Store.Tests.Server;

public class ServerTests
{
    [Fact]
    public async Task OversizedHeaderDropsOnlyThatClient()
    {
        await using var live = new LiveServer(persistent: false);
        using var good = live.Connect();
        using var bad = live.Connect();
        Assert.Equal("OK", good.Write("/s/a", "1"));
        var header = new byte[XsHeader.Size];
        new XsHeader((uint)XsMessageType.Write, 1, 0, XsHeader.PayloadMax + 1).Write(header);
        bad.Socket.Send(header);
        var buffer = new byte[16];
        Assert.Equal(0, bad.Socket.Receive(buffer));
        Assert.Equal("1", good.Read("/s/a"));
    }

    [Fact]
    public async Task MaximumPayloadIsAccepted()
    {
        await using var live = new LiveServer(persistent: false);
        using var c = live.Connect();
        var value = new string('v', XsHeader.PayloadMax - "/s/max\0".Length);
        Assert.Equal("OK", c.Write("/s/max", value));
        Assert.Equal(value, c.Read("/s/max"));
    }

    [Fact]
    public async Task PipelinedRequestsAreAnsweredInOrderWithTheirIds()
    {
        await using var live = new LiveServer(persistent: false);
        using var c = live.Connect();
        var batch = new List<byte>();
        for (uint i = 0; i < 200; i++)
            batch.AddRange(XsMessage.Create(XsMessageType.Write, 1000 + i, 0, $"/p/n{i}").ToBytes()[..^0]);
        // One send with 200 requests, some split across the boundary of the next send.
        var bytes = batch.ToArray();
        c.Socket.Send(bytes.AsSpan(0, bytes.Length / 2 + 7));
        c.Socket.Send(bytes.AsSpan(bytes.Length / 2 + 7));
        for (uint i = 0; i < 200; i++)
        {
            var reply = c.NextReply();
            Assert.Equal(1000 + i, reply.RequestId);
            Assert.Equal(XsMessageType.Write, reply.Type);
        }
    }

    [Fact]
    public async Task WatchEventsReachOtherConnectionsInOrder()
    {
        await using var live = new LiveServer(persistent: false);
        using var watcher = live.Connect();
        using var writer = live.Connect();
        Assert.Equal("OK", XsClient.Text(watcher.Request(XsMessageType.Watch, 0, "/ev", "tok")));
        Assert.Equal("/ev\0tok", XsClient.Text(watcher.NextEvent()));
        for (var i = 0; i < 100; i++) writer.Write($"/ev/k{i}", "x");
        for (var i = 0; i < 100; i++) Assert.Equal($"/ev/k{i}\0tok", XsClient.Text(watcher.NextEvent()));
        // Replies still flow after a burst of events.
        Assert.Equal("x", watcher.Read("/ev/k5"));
    }

    [Fact]
    public async Task DomainSocketActsAsThatDomainAndGoesAwayOnRelease()
    {
        await using var live = new LiveServer(persistent: false);
        using var admin = live.Connect();
        Assert.Equal("OK", XsClient.Text(admin.Request(XsMessageType.Introduce, 0, "21", "0", "0")));
        admin.Write("/local/domain/21/name", "g");
        Assert.Equal("OK", XsClient.Text(admin.Request(XsMessageType.SetPerms, 0, "/local/domain/21", "b21")));
        using var guest = new XsClient(live.DomainSocket(21));
        Assert.Equal("OK", guest.Write("mine", "1"));
        Assert.Equal("b21", XsClient.Text(admin.Request(XsMessageType.GetPerms, 0, "/local/domain/21/mine")));
        Assert.Equal("!EACCES", guest.Read("/local/domain/0/name"));
        Assert.Equal("!EACCES", XsClient.Text(guest.Request(XsMessageType.Introduce, 0, "22", "0", "0")));

        Assert.Equal("OK", XsClient.Text(admin.Request(XsMessageType.Release, 0, "21")));
        var buffer = new byte[16];
        guest.Socket.ReceiveTimeout = 5000;
        Assert.Equal(0, guest.Socket.Receive(buffer));
        Assert.False(File.Exists(live.DomainSocket(21)));
        Assert.Throws<SocketException>(() => new XsClient(live.DomainSocket(21)));
    }

    [Fact]
    public async Task ManyConcurrentClients()
    {
        await using var live = new LiveServer();
        var tasks = Enumerable.Range(0, 16).Select(n => Task.Run(() =>
        {
            using var c = live.Connect();
            for (var i = 0; i < 200; i++)
            {
                Assert.Equal("OK", c.Write($"/cc/{n}/k", i.ToString()));
                Assert.Equal(i.ToString(), c.Read($"/cc/{n}/k"));
                while (true)
                {
                    var tx = uint.Parse(XsClient.Text(c.Request(XsMessageType.TransactionStart, 0, "")));
                    var current = c.Read("/cc/counter", tx);
                    var next = (current.StartsWith('!') ? 0 : int.Parse(current)) + 1;
                    c.RequestRaw(XsMessageType.Write, tx, System.Text.Encoding.ASCII.GetBytes($"/cc/counter\0{next}"));
                    var end = XsClient.Text(c.Request(XsMessageType.TransactionEnd, tx, "T"));
                    if (end == "OK") break;
                    Assert.Equal("!EAGAIN", end);
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        await Task.WhenAll(tasks);
        using var check = live.Connect();
        // Every read-modify-write transaction counted exactly once.
        Assert.Equal("3200", check.Read("/cc/counter"));
        lock (live.Server.Gate) Assert.Null(live.Server.Engine.CheckInvariants());
    }
}

public class SlowClientTests
{
    [Fact]
    public async Task WatcherThatNeverReadsIsDisconnectedAndOthersCarryOn()
    {
        using var dir = new TempDir();
        var server = Xeno.Store.Server.XenStoreServer.Start(new Xeno.Store.Server.XenStoreServerOptions
        {
            SocketPath = dir["sock"],
            MaxQueuedBytesPerClient = 256 * 1024,
        });
        try
        {
            using var lazy = new XsClient(dir["sock"]);
            Assert.Equal("OK", XsClient.Text(lazy.Request(XsMessageType.Watch, 0, "/flood", new string('t', 1000))));
            lazy.Socket.ReceiveBufferSize = 4096;
            using var writer = new XsClient(dir["sock"]);
            // Far more event bytes than the socket buffers and the 256 KiB queue can hold.
            for (var i = 0; i < 5000; i++) Assert.Equal("OK", writer.Write("/flood/k", i.ToString()));
            Assert.Equal("4999", writer.Read("/flood/k"));

            var deadline = DateTime.UtcNow.AddSeconds(20);
            var sessions = 0;
            while (DateTime.UtcNow < deadline)
            {
                lock (server.Gate) sessions = server.Engine.Sessions.Count;
                if (sessions == 1) break;
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
            Assert.Equal(1, sessions);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
