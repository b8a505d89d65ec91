using System.Net.Sockets;
using System.Text;
using Xeno.Qemu.Interop;

namespace Xeno.Qemu.Tests.Interop;

/// <summary>socketpair and SCM_RIGHTS for real: a descriptor sent with bytes arrives as a working copy.</summary>
public sealed class VncFdPassingTests
{
    [Fact]
    public void APairIsConnectedBothWays()
    {
        var (a, b) = VncFdPassing.CreatePair();
        using (a)
        using (b)
        {
            Assert.Equal(AddressFamily.Unix, a.AddressFamily);
            a.Send("ping"u8);
            var buffer = new byte[8];
            Assert.Equal("ping", Encoding.ASCII.GetString(buffer, 0, b.Receive(buffer)));
            b.Send("pong"u8);
            Assert.Equal("pong", Encoding.ASCII.GetString(buffer, 0, a.Receive(buffer)));
        }
    }

    [Fact]
    public void ADescriptorSentWithBytesArrivesAsItsOwnWorkingCopy()
    {
        var (a, b) = VncFdPassing.CreatePair();
        var (inner, outer) = VncFdPassing.CreatePair();
        using (a)
        using (b)
        using (outer)
        {
            using (inner)
            {
                Assert.Equal(7, VncFdPassing.SendWithFd(a, "getfd\n\n"u8, inner.SafeHandle, TimeSpan.FromSeconds(10)));
            }
            // The sender's copy is closed; the receiver's still works.
            var buffer = new byte[16];
            var (count, fd) = VncFdPassing.ReceiveWithFd(b, buffer);
            Assert.Equal("getfd\n\n", Encoding.ASCII.GetString(buffer, 0, count));
            Assert.NotNull(fd);
            using var received = new Socket(new SafeSocketHandle(fd!.DangerousGetHandle(), ownsHandle: false));
            try
            {
                received.Send("through the copy"u8);
                var got = new byte[32];
                Assert.Equal("through the copy", Encoding.ASCII.GetString(got, 0, outer.Receive(got)));
            }
            finally
            {
                fd.Dispose();
            }
        }
    }

    [Fact]
    public void BytesWithoutADescriptorReceiveNone()
    {
        var (a, b) = VncFdPassing.CreatePair();
        using (a)
        using (b)
        {
            a.Send("plain"u8);
            var (count, fd) = VncFdPassing.ReceiveWithFd(b, new byte[16]);
            Assert.Equal((5, null), (count, fd));
        }
    }

    [Fact]
    public void NothingToSendAndAClosedPeerAreClearErrors()
    {
        var (a, b) = VncFdPassing.CreatePair();
        using (a)
        {
            using (var fd = new Microsoft.Win32.SafeHandles.SafeFileHandle(0, ownsHandle: false))
            {
                Assert.Throws<ArgumentException>(() => VncFdPassing.SendWithFd(a, [], fd, TimeSpan.FromSeconds(1)));
                b.Dispose();
                var e = Assert.Throws<IOException>(() => VncFdPassing.SendWithFd(a, "x"u8, fd, TimeSpan.FromSeconds(1)));
                Assert.Contains("SCM_RIGHTS", e.Message, StringComparison.Ordinal);
            }
        }
    }
}
