using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Xeno.Panel.Ssh;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Ssh;

/// <summary>
/// The console relay against a unix socket speaking the console hub's protocol (raw bytes both
/// ways, docs/api.md): keys reach it, its output reaches the terminal, ^] detaches and leaves what
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
        var relay = ConsoleRelay.RunAsync(SocketPath, input, output, cancel);
        using var hub = await listener.AcceptAsync(cancel);
        await keys.Writer.WriteAsync("uname\r"u8.ToArray(), cancel);
        Assert.Equal("uname\r", await ReadAsync(hub, 6));
        await hub.SendAsync("Linux\r\n"u8.ToArray(), cancel);
        await WaitForAsync(() => output.Text.Contains("Linux\r\n", StringComparison.Ordinal));
        await keys.Writer.WriteAsync("x\x1dq\n"u8.ToArray(), cancel);
        Assert.Equal((ConsoleEnd.Detached, (string?)null), await relay.WaitAsync(TimeSpan.FromSeconds(30), cancel));
        // The key before ^] reached the guest; the line after it is the menu's.
        Assert.Equal("x", await ReadAsync(hub, 1));
        Assert.Equal("q", await input.ReadLineAsync(cancel));
    }

    [Fact]
    public async Task TheHubClosingOrTheInputEndingEndsTheRelay()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var listener = Listen();
        var keys = new Pipe();
        var relay = ConsoleRelay.RunAsync(SocketPath, new MenuInput(keys.Reader.AsStream()), new SharedOutput(), cancel);
        using (var hub = await listener.AcceptAsync(cancel))
            hub.Shutdown(SocketShutdown.Both);
        Assert.Equal(ConsoleEnd.GuestClosed, (await relay.WaitAsync(TimeSpan.FromSeconds(30), cancel)).End);

        var ended = ConsoleRelay.RunAsync(SocketPath, new MenuInput(new MemoryStream("ls\n"u8.ToArray())), new SharedOutput(), cancel);
        using var hub2 = await listener.AcceptAsync(cancel);
        Assert.Equal(ConsoleEnd.InputEnded, (await ended.WaitAsync(TimeSpan.FromSeconds(30), cancel)).End);
        Assert.Equal("ls\n", await ReadAsync(hub2, 3));

        var (end, error) = await ConsoleRelay.RunAsync(Path.Combine(_dir, "nothing"), new MenuInput(new MemoryStream()), new SharedOutput(), cancel);
        Assert.Equal(ConsoleEnd.CannotConnect, end);
        Assert.NotNull(error);
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
