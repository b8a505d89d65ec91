using System.Net.Sockets;
using Xeno.Engine.Consoles.Interop;

namespace Xeno.Engine.Tests.Consoles.Interop;

/// <summary>socketpair(2): two connected sockets, bytes both ways, and an end that closes.</summary>
public sealed class SocketPairTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<byte[]> ReadExactlyAsync(Socket s, int count)
    {
        var buffer = new byte[count];
        for (int got = 0; got < count;)
        {
            int n = await s.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, Ct);
            Assert.True(n > 0, $"closed after {got} of {count} bytes");
            got += n;
        }
        return buffer;
    }

    [Fact]
    public async Task RandomBytesPassBothWaysAndClosingOneEndEndsTheOther()
    {
        var (a, b) = SocketPair.Create();
        using (a)
        using (b)
        {
            Assert.True(a.Connected && b.Connected);
            Assert.Equal(AddressFamily.Unix, a.AddressFamily);
            var random = new Random(5);
            foreach (var (from, to) in new[] { (a, b), (b, a) })
            {
                var data = new byte[random.Next(1, 200_000)];
                random.NextBytes(data);
                var read = ReadExactlyAsync(to, data.Length);
                await from.SendAsync(data, SocketFlags.None, Ct);
                Assert.Equal(data, await read);
            }
            a.Dispose();
            Assert.Equal(0, await b.ReceiveAsync(new byte[16], SocketFlags.None, Ct));
        }
    }

    [Fact]
    public void EachPairIsNewAndClosesOnExec()
    {
        var (a, b) = SocketPair.Create();
        var (c, d) = SocketPair.Create();
        using (a) using (b) using (c) using (d)
        {
            var fds = new[] { a, b, c, d }.Select(s => s.SafeHandle.DangerousGetHandle()).Distinct().ToList();
            Assert.Equal(4, fds.Count);
            // FD_CLOEXEC: children (QEMU, scripts) never inherit a console viewer.
            foreach (var fd in fds)
            {
                var line = File.ReadAllLines($"/proc/self/fdinfo/{fd}").Single(l => l.StartsWith("flags:", StringComparison.Ordinal));
                int flags = Convert.ToInt32(line["flags:".Length..].Trim(), 8);
                Assert.True((flags & 0x80000) != 0, $"fd {fd} is not close-on-exec: {line}");
            }
        }
    }
}
