using System.IO.Pipes;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Xeno.Qemu.Interop;

namespace Xeno.Qemu.Tests.Interop;

/// <summary>
/// SCM_RIGHTS, SO_PEERCRED and O_NONBLOCK on real sockets and pipes of this process: a pipe's
/// write end passed over a unix socket still writes into the same pipe on the other side.
/// </summary>
public sealed class UnixRightsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Two connected unix stream sockets (client, accepted), both blocking.</summary>
    private (Socket Client, Socket Server) Pair()
    {
        string path = _dir.File("s" + Guid.NewGuid().ToString("N")[..6]);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
        return (client, listener.Accept());
    }

    [Fact]
    public void APassedPipeEndWritesIntoTheSamePipe()
    {
        var (client, server) = Pair();
        using (client)
        using (server)
        using (var pipe = new AnonymousPipeServerStream(PipeDirection.In))
        {
            using (var writeEnd = pipe.ClientSafePipeHandle)
                UnixRights.Send(client.SafeHandle, "hello"u8, writeEnd);
            pipe.DisposeLocalCopyOfClientHandle();

            var buffer = new byte[16];
            int n = UnixRights.Receive(server.SafeHandle, buffer, out var passed);
            Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
            Assert.NotNull(passed);
            using (var w = new FileStream(passed, FileAccess.Write, bufferSize: 0))
                w.Write("through the passed descriptor"u8);
            // Every write end is closed now: the reader sees the bytes, then the end.
            using var r = new StreamReader(pipe);
            Assert.Equal("through the passed descriptor", r.ReadToEnd());
        }
    }

    [Fact]
    public void ASocketPairIsConnectedBothWaysAndAPassedEndKeepsWorking()
    {
        var (a, b) = UnixRights.CreatePair();
        var (inner, outer) = UnixRights.CreatePair();
        using (a)
        using (b)
        using (outer)
        {
            using (inner)
                UnixRights.Send(a.SafeHandle, "getfd\n"u8, inner.SafeHandle);
            var buffer = new byte[16];
            int n = UnixRights.Receive(b.SafeHandle, buffer, out var passed);
            Assert.Equal("getfd\n", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
            Assert.NotNull(passed);
            // The sender's copy is closed; the passed end still talks to its peer.
            using (passed)
            using (var received = new Socket(new SafeSocketHandle(passed.DangerousGetHandle(), ownsHandle: false)))
                received.Send("through the copy"u8);
            var got = new byte[32];
            Assert.Equal("through the copy", System.Text.Encoding.ASCII.GetString(got, 0, outer.Receive(got)));
            b.Send("pong"u8);
            Assert.Equal("pong", System.Text.Encoding.ASCII.GetString(got, 0, a.Receive(got)));
        }
    }

    [Fact]
    public void BytesWithoutADescriptorArriveWithNone()
    {
        var (client, server) = Pair();
        using (client)
        using (server)
        {
            client.Send("x"u8);
            var buffer = new byte[4];
            Assert.Equal(1, UnixRights.Receive(server.SafeHandle, buffer, out var passed));
            Assert.Null(passed);
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, UnixRights.Receive(server.SafeHandle, buffer, out passed));
            Assert.Null(passed);
        }
    }

    [Fact]
    public void ADescriptorNeedsAtLeastOneByteAndAClosedSocketIsAnError()
    {
        var (client, server) = Pair();
        using (server)
        using (var pipe = new AnonymousPipeServerStream(PipeDirection.In))
        {
            Assert.Throws<ArgumentException>(() => UnixRights.Send(client.SafeHandle, [], pipe.ClientSafePipeHandle));
            server.Close();
            // The peer is gone: EPIPE (no SIGPIPE: MSG_NOSIGNAL) or ECONNRESET, named.
            var e = Assert.Throws<IOException>(() =>
            {
                for (int i = 0; i < 100; i++)
                    UnixRights.Send(client.SafeHandle, new byte[65536], pipe.ClientSafePipeHandle);
            });
            Assert.StartsWith("sendmsg failed: ", e.Message);
            client.Dispose();
        }
    }

    [Fact]
    public void PeerCredentialsAreThisProcess()
    {
        var (client, server) = Pair();
        using (client)
        using (server)
        {
            var (pid, uid) = UnixRights.Peer(server.SafeHandle);
            Assert.Equal(Environment.ProcessId, pid);
            Assert.Equal(UnixRights.EffectiveUserId(), uid);
            Assert.Equal(uint.Parse(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t')[2]), uid);
        }
    }

    [Fact]
    public void NonBlockingIsSetAndClearedOnTheOpenFile()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        var handle = pipe.SafePipeHandle;
        Assert.False(UnixRights.IsNonBlocking(handle));
        UnixRights.SetNonBlocking(handle, true);
        Assert.True(UnixRights.IsNonBlocking(handle));
        UnixRights.SetNonBlocking(handle, false);
        Assert.False(UnixRights.IsNonBlocking(handle));
        Assert.Throws<IOException>(() => UnixRights.IsNonBlocking(new SafeFileHandle(987654, ownsHandle: false)));
    }

    [Fact]
    public async Task ANonBlockingSocketIsWaitedForNotFailed()
    {
        var (client, server) = Pair();
        using (client)
        using (server)
        using (var pipe = new AnonymousPipeServerStream(PipeDirection.In))
        {
            // .NET turns a socket's descriptor non-blocking once it is used asynchronously.
            UnixRights.SetNonBlocking(server.SafeHandle, true);
            var receive = Task.Run(() =>
            {
                var buffer = new byte[8];
                int n = UnixRights.Receive(server.SafeHandle, buffer, out var passed);
                passed?.Dispose();
                return (n, passed is not null);
            });
            await Task.Delay(100, TestContext.Current.CancellationToken);
            Assert.False(receive.IsCompleted, "nothing was sent yet");
            UnixRights.Send(client.SafeHandle, "late"u8, pipe.ClientSafePipeHandle);
            Assert.Equal((4, true), await receive.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public void APipeGrowsToAMebibyteAndASocketIsNoPipe()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        Assert.Equal(1 << 20, UnixRights.TryGrowPipe(pipe.SafePipeHandle, 1 << 20));
        var (client, server) = Pair();
        using (client)
        using (server)
            Assert.Equal(-1, UnixRights.TryGrowPipe(client.SafeHandle, 1 << 20));
    }
}
