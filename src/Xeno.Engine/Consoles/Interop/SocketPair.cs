using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Xeno.Engine.Consoles.Interop;

/// <summary>
/// socketpair(2): two connected unix stream sockets in this process. The hub serves an in-process
/// viewer (the API's WebSocket attach) through one end exactly as it serves a client of its
/// socket file, so backlog limits and drops stay in one place (.NET has no socketpair of its own).
/// Only blittable arguments: no marshalling stub.
/// </summary>
internal static class SocketPair
{
    private const int AfUnix = 1;          // AF_UNIX, sys/socket.h
    private const int SockStream = 1;      // SOCK_STREAM
    private const int SockCloexec = 0x80000; // SOCK_CLOEXEC: QEMU and other children never inherit it

    [StructLayout(LayoutKind.Sequential)]
    private struct Fds
    {
        public int First;
        public int Second;
    }

    [DllImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    private static extern int SocketPairCall(int domain, int type, int protocol, out Fds fds);

    /// <summary>Two connected sockets; each owns its descriptor (dispose both).</summary>
    public static (Socket First, Socket Second) Create()
    {
        if (SocketPairCall(AfUnix, SockStream | SockCloexec, 0, out var fds) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"socketpair: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
        var a = new SafeSocketHandle(fds.First, ownsHandle: true);
        var b = new SafeSocketHandle(fds.Second, ownsHandle: true);
        Socket? first = null;
        try
        {
            first = new Socket(a);
            return (first, new Socket(b));
        }
        catch
        {
            if (first is null)
                a.Dispose();
            else
                first.Dispose();
            b.Dispose();
            throw;
        }
    }
}
