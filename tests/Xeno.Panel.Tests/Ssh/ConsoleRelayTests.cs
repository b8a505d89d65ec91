using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Xeno.Panel.Ssh;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Ssh;

/// <summary>
/// The console relay over a unix socket connection carrying the console's raw bytes both ways (as
/// xenod's WebSocket attach does, docs/api.md): keys reach it, its output reaches the terminal, ^] detaches and leaves what
/// followed it to the menu, the hub closing or the input ending ends the relay.
/// </summary>
public sealed class ConsoleRelayTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xpc-").FullName;
    private string SocketPath => Path.Combine(_dir, "console");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task KeysGoInOutputComesOutAndTheEscapeDetachesLeavingTheRestToTheMenu()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var listener = Listen();
        var keys = new Pipe();
        var input = new MenuInput(keys.Reader.AsStream());
        var output = new SharedOutput();
        var (relay, hub) = await StartAsync(listener, input, output);
        await keys.Writer.WriteAsync("uname\r"u8.ToArray(), cancel);
        Assert.Equal("uname\r", await ReadAsync(hub, 6));
        await hub.SendAsync("Linux\r\n"u8.ToArray(), cancel);
        await WaitForAsync(() => output.Text.Contains("Linux\r\n", StringComparison.Ordinal));
        await keys.Writer.WriteAsync("x\x1dq\n"u8.ToArray(), cancel);
        Assert.Equal(ConsoleEnd.Detached, await relay.WaitAsync(TimeSpan.FromSeconds(30), cancel));
        // The key before ^] reached the guest; the line after it is the menu's.
        Assert.Equal("x", await ReadAsync(hub, 1));
        Assert.Equal("q", await input.ReadLineAsync(cancel));
        hub.Dispose();
    }

    [Fact]
    public async Task TheHubClosingOrTheInputEndingEndsTheRelay()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var listener = Listen();
        var keys = new Pipe();
        var (relay, hub) = await StartAsync(listener, new MenuInput(keys.Reader.AsStream()), new SharedOutput());
        using (hub)
            hub.Shutdown(SocketShutdown.Both);
        Assert.Equal(ConsoleEnd.GuestClosed, await relay.WaitAsync(TimeSpan.FromSeconds(30), cancel));

        var (ended, hub2) = await StartAsync(listener, new MenuInput(new MemoryStream("ls\n"u8.ToArray())), new SharedOutput());
        using (hub2)
        {
            Assert.Equal(ConsoleEnd.InputEnded, await ended.WaitAsync(TimeSpan.FromSeconds(30), cancel));
            Assert.Equal("ls\n", await ReadAsync(hub2, 3));
        }
    }

    /// <summary>The relay on a fresh connection to <paramref name="listener"/>, and the listener's side of it (the "guest").</summary>
    private static async Task<(Task<ConsoleEnd> Relay, Socket Hub)> StartAsync(Socket listener, MenuInput input, Stream output)
    {
        var cancel = TestContext.Current.CancellationToken;
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var accepted = listener.AcceptAsync(cancel).AsTask();
        await client.ConnectAsync(listener.LocalEndPoint!, cancel);
        var hub = await accepted;
        return (ConsoleRelay.RunAsync(new NetworkStream(client, ownsSocket: true), input, output, cancel), hub);
    }

    private Socket Listen()
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(SocketPath));
        s.Listen();
        return s;
    }

    private static async Task<string> ReadAsync(Socket s, int count)
    {
        var buffer = new byte[count];
        int got = 0;
        while (got < count)
        {
            int n = await s.ReceiveAsync(buffer.AsMemory(got), TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(n > 0, "the relay closed early");
            got += n;
        }
        return Encoding.ASCII.GetString(buffer);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), "timed out");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
