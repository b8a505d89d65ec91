using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Xeno.Qemu.Interop;

/// <summary>
/// Unix socket pairs and SCM_RIGHTS, for handing QEMU one end of a connection it never listened
/// for (QMP getfd, then add_client: xenod's VNC viewers). Linux x86-64/arm64 layouts (LP64).
/// Side effects: creates sockets, sends and receives file descriptors.
/// </summary>
public static unsafe partial class VncFdPassing
{
    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgNosignal = 0x4000;
    private const int MsgCmsgCloexec = 0x40000000;
    private const int Eintr = 4;
    private const int Eagain = 11;

    /// <summary>A connected pair of unix stream sockets (socketpair), both close-on-exec.</summary>
    public static (Socket First, Socket Second) CreatePair()
    {
        int* fds = stackalloc int[2];
        if (socketpair(AfUnix, SockStream | SockCloexec, 0, fds) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"socketpair(AF_UNIX) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
        return (new Socket(new SafeSocketHandle(fds[0], ownsHandle: true)), new Socket(new SafeSocketHandle(fds[1], ownsHandle: true)));
    }

    /// <summary>
    /// Sends <paramref name="data"/> with <paramref name="fd"/> attached (SCM_RIGHTS); the receiver
    /// gets its own copy of the descriptor with the first bytes. Returns how many bytes went (at
    /// least one): the caller writes the rest normally. Waits up to <paramref name="timeout"/>
    /// for room when the socket is non-blocking and full.
    /// </summary>
    public static int SendWithFd(Socket socket, ReadOnlySpan<byte> data, SafeHandle fd, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(fd);
        if (data.IsEmpty)
            throw new ArgumentException("a descriptor travels with at least one byte", nameof(data));
        var deadline = DateTime.UtcNow + timeout;
        bool socketRef = false, fdRef = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref socketRef);
            fd.DangerousAddRef(ref fdRef);
            int descriptor = (int)fd.DangerousGetHandle();
            fixed (byte* bytes = data)
            {
                var iov = new IoVec { Base = bytes, Length = (nuint)data.Length };
                byte* control = stackalloc byte[ControlSpace];
                new Span<byte>(control, ControlSpace).Clear();
                var header = (CmsgHeader*)control;
                header->Length = (nuint)(sizeof(CmsgHeader) + sizeof(int));
                header->Level = SolSocket;
                header->Type = ScmRights;
                *(int*)(control + sizeof(CmsgHeader)) = descriptor;
                var msg = new MsgHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSpace };
                while (true)
                {
                    nint sent = sendmsg((int)socket.SafeHandle.DangerousGetHandle(), &msg, MsgNosignal);
                    if (sent >= 0)
                        return (int)sent;
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Eintr)
                        continue;
                    var left = deadline - DateTime.UtcNow;
                    if (errno == Eagain && left > TimeSpan.Zero)
                    {
                        socket.Poll(left, SelectMode.SelectWrite);
                        continue;
                    }
                    throw new IOException($"sendmsg with a descriptor (SCM_RIGHTS) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
                }
            }
        }
        finally
        {
            if (fdRef) fd.DangerousRelease();
            if (socketRef) socket.SafeHandle.DangerousRelease();
        }
    }

    /// <summary>
    /// The receiving half (blocking; QEMU is the real receiver, tests use this): up to
    /// <paramref name="buffer"/>'s length of bytes and the descriptor that came with them, if any
    /// (close-on-exec, owned by the caller).
    /// </summary>
    public static (int Count, SafeHandle? Fd) ReceiveWithFd(Socket socket, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(socket);
        bool socketRef = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref socketRef);
            fixed (byte* bytes = buffer)
            {
                var iov = new IoVec { Base = bytes, Length = (nuint)buffer.Length };
                byte* control = stackalloc byte[ControlSpace];
                new Span<byte>(control, ControlSpace).Clear();
                var msg = new MsgHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSpace };
                nint n;
                do
                {
                    n = recvmsg((int)socket.SafeHandle.DangerousGetHandle(), &msg, MsgCmsgCloexec);
                }
                while (n < 0 && Marshal.GetLastPInvokeError() == Eintr);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new IOException($"recvmsg failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
                }
                SafeHandle? fd = null;
                var header = (CmsgHeader*)control;
                if (msg.ControlLength >= (nuint)sizeof(CmsgHeader) && header->Level == SolSocket && header->Type == ScmRights
                    && header->Length >= (nuint)(sizeof(CmsgHeader) + sizeof(int)))
                    fd = new Microsoft.Win32.SafeHandles.SafeFileHandle(*(int*)(control + sizeof(CmsgHeader)), ownsHandle: true);
                return ((int)n, fd);
            }
        }
        finally
        {
            if (socketRef) socket.SafeHandle.DangerousRelease();
        }
    }

    // CMSG_SPACE(sizeof(int)): the 16-byte header and the int, padded to 8.
    private const int ControlSpace = 24;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int fd, MsgHeader* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int fd, MsgHeader* msg, int flags);
}
