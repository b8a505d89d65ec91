using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Xeno.Qemu.Interop;

/// <summary>
/// Passing an open file descriptor over a unix socket (sendmsg/recvmsg with SCM_RIGHTS), the
/// peer's credentials (SO_PEERCRED) and the O_NONBLOCK flag: how xl hands the migration channel
/// to xenod and xenod hands it to QEMU (QMP getfd), and socket pairs for QEMU's VNC viewers. Linux LP64 layouts (x86_64, aarch64).
/// Side effects: the calls act on the descriptors given.
/// </summary>
public static unsafe partial class UnixRights
{
    private const int SolSocket = 1, ScmRights = 1, SoPeerCred = 17;
    private const int MsgNoSignal = 0x4000, MsgCmsgCloexec = 0x40000000, MsgCtrunc = 0x8;
    private const int FGetFl = 3, FSetFl = 4, ONonBlock = 0x800;
    private const int EIntr = 4, EAgain = 11;
    /// <summary>CMSG_SPACE(sizeof(int)): a 16-byte header, the int, padding to 8.</summary>
    private const int ControlSpace = 24;
    private const int ControlLength = 20;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
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
    private struct PeerCred
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, void* value, uint* length);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    private const short PollIn = 1, PollOut = 4;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(PollFd* fds, nuint count, int timeoutMs);

    /// <summary>
    /// Waits until a non-blocking socket is ready (.NET makes a socket's descriptor non-blocking
    /// once it is used asynchronously): the calls here then behave as on a blocking socket.
    /// </summary>
    private static void Wait(int fd, short events)
    {
        var p = new PollFd { Fd = fd, Events = events };
        if (poll(&p, 1, -1) < 0 && Marshal.GetLastPInvokeError() != EIntr)
            throw Error("poll", Marshal.GetLastPInvokeError());
    }

    /// <summary>
    /// A connected pair of unix stream sockets (socketpair, close-on-exec): one end is handed to
    /// QEMU (add_client for a VNC viewer), the other stays with xenod.
    /// </summary>
    public static (System.Net.Sockets.Socket First, System.Net.Sockets.Socket Second) CreatePair()
    {
        const int afUnix = 1, sockStream = 1, sockCloexec = 0x80000;
        int* fds = stackalloc int[2];
        if (socketpair(afUnix, sockStream | sockCloexec, 0, fds) != 0)
            throw Error("socketpair(AF_UNIX)", Marshal.GetLastPInvokeError());
        return (new System.Net.Sockets.Socket(new System.Net.Sockets.SafeSocketHandle(fds[0], ownsHandle: true)),
            new System.Net.Sockets.Socket(new System.Net.Sockets.SafeSocketHandle(fds[1], ownsHandle: true)));
    }

    /// <summary>This process's effective user id (whom a peer must be, besides root).</summary>
    public static uint EffectiveUserId() => geteuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    /// <summary>
    /// Sends <paramref name="data"/> (at least one byte) with <paramref name="passed"/> attached.
    /// The kernel attaches the descriptor to the first byte; bytes a short send left over follow
    /// without it. A non-blocking socket whose buffer is full is waited for rather than failed.
    /// </summary>
    public static void Send(SafeHandle socket, ReadOnlySpan<byte> data, SafeHandle passed)
    {
        if (data.IsEmpty)
            throw new ArgumentException("a descriptor travels with at least one byte", nameof(data));
        bool addedSocket = false, addedPassed = false;
        try
        {
            socket.DangerousAddRef(ref addedSocket);
            passed.DangerousAddRef(ref addedPassed);
            int fd = (int)socket.DangerousGetHandle();
            int sent = 0;
            byte* control = stackalloc byte[ControlSpace];
            fixed (byte* bytes = data)
            {
                while (sent < data.Length)
                {
                    var iov = new IoVec { Base = bytes + sent, Length = (nuint)(data.Length - sent) };
                    var msg = new MsgHdr { Iov = &iov, IovLength = 1 };
                    if (sent == 0)
                    {
                        new Span<byte>(control, ControlSpace).Clear();
                        *(nuint*)control = ControlLength;
                        *(int*)(control + 8) = SolSocket;
                        *(int*)(control + 12) = ScmRights;
                        *(int*)(control + 16) = (int)passed.DangerousGetHandle();
                        msg.Control = control;
                        msg.ControlLength = ControlSpace;
                    }
                    nint n = sendmsg(fd, &msg, MsgNoSignal);
                    if (n < 0)
                    {
                        int errno = Marshal.GetLastPInvokeError();
                        if (errno == EIntr)
                            continue;
                        if (errno == EAgain)
                        {
                            Wait(fd, PollOut);
                            continue;
                        }
                        throw Error("sendmsg", errno);
                    }
                    sent += (int)n;
                }
            }
        }
        finally
        {
            if (addedPassed)
                passed.DangerousRelease();
            if (addedSocket)
                socket.DangerousRelease();
        }
    }

    /// <summary>
    /// Receives into <paramref name="buffer"/> (waiting for data); <paramref name="passed"/> is the
    /// descriptor that came with the bytes (close-on-exec), or null. Extra descriptors are closed.
    /// Returns 0 at the end of the stream.
    /// </summary>
    public static int Receive(SafeHandle socket, Span<byte> buffer, out SafeFileHandle? passed)
    {
        passed = null;
        const int space = 64; // room for several descriptors: any beyond the first are closed, not leaked
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            byte* control = stackalloc byte[space];
            fixed (byte* bytes = buffer)
            {
                while (true)
                {
                    new Span<byte>(control, space).Clear();
                    var iov = new IoVec { Base = bytes, Length = (nuint)buffer.Length };
                    var msg = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = space };
                    nint n = recvmsg((int)socket.DangerousGetHandle(), &msg, MsgCmsgCloexec);
                    if (n < 0)
                    {
                        int errno = Marshal.GetLastPInvokeError();
                        if (errno == EIntr)
                            continue;
                        if (errno == EAgain)
                        {
                            Wait((int)socket.DangerousGetHandle(), PollIn);
                            continue;
                        }
                        throw Error("recvmsg", errno);
                    }
                    for (nuint offset = 0; offset + 16 <= msg.ControlLength;)
                    {
                        nuint length = *(nuint*)(control + offset);
                        if (length < 16 || offset + length > msg.ControlLength)
                            break;
                        if (*(int*)(control + offset + 8) == SolSocket && *(int*)(control + offset + 12) == ScmRights)
                        {
                            for (nuint i = 16; i + 4 <= length; i += 4)
                            {
                                var h = new SafeFileHandle(*(int*)(control + offset + i), ownsHandle: true);
                                if (passed is null)
                                    passed = h;
                                else
                                    h.Dispose();
                            }
                        }
                        offset += (length + 7) & ~(nuint)7;
                    }
                    if ((msg.Flags & MsgCtrunc) != 0 && passed is null)
                        throw new IOException("recvmsg: the passed descriptors did not fit (MSG_CTRUNC)");
                    return (int)n;
                }
            }
        }
        finally
        {
            if (added)
                socket.DangerousRelease();
        }
    }

    /// <summary>The process id and user id of the process at the other end of a connected unix socket.</summary>
    public static (int Pid, uint Uid) Peer(SafeHandle socket)
    {
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            PeerCred cred;
            uint length = (uint)sizeof(PeerCred);
            if (getsockopt((int)socket.DangerousGetHandle(), SolSocket, SoPeerCred, &cred, &length) != 0)
                throw Error("getsockopt(SO_PEERCRED)", Marshal.GetLastPInvokeError());
            return (cred.Pid, cred.Uid);
        }
        finally
        {
            if (added)
                socket.DangerousRelease();
        }
    }

    /// <summary>Whether O_NONBLOCK is set on the open file (shared by every copy of the descriptor).</summary>
    public static bool IsNonBlocking(SafeHandle fd)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            int flags = fcntl((int)fd.DangerousGetHandle(), FGetFl, 0);
            if (flags < 0)
                throw Error("fcntl(F_GETFL)", Marshal.GetLastPInvokeError());
            return (flags & ONonBlock) != 0;
        }
        finally
        {
            if (added)
                fd.DangerousRelease();
        }
    }

    /// <summary>
    /// Clears or sets O_NONBLOCK. QEMU's incoming migration makes its channel non-blocking, and
    /// the flag belongs to the open file, so xl's own copy of it changes too.
    /// </summary>
    public static void SetNonBlocking(SafeHandle fd, bool nonBlocking)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            int h = (int)fd.DangerousGetHandle();
            int flags = fcntl(h, FGetFl, 0);
            if (flags < 0)
                throw Error("fcntl(F_GETFL)", Marshal.GetLastPInvokeError());
            int wanted = nonBlocking ? flags | ONonBlock : flags & ~ONonBlock;
            if (wanted != flags && fcntl(h, FSetFl, wanted) < 0)
                throw Error("fcntl(F_SETFL)", Marshal.GetLastPInvokeError());
        }
        finally
        {
            if (added)
                fd.DangerousRelease();
        }
    }

    private const int FSetPipeSz = 1031, FGetPipeSz = 1032;

    /// <summary>
    /// Grows a pipe's buffer to <paramref name="bytes"/> (F_SETPIPE_SZ; the kernel's limit is
    /// /proc/sys/fs/pipe-max-size, 1 MiB by default): a migration stream through a 64 KiB pipe
    /// wakes writer and reader for every 64 KiB. Returns the size now, or -1 if the descriptor is
    /// no pipe or the size was refused (the pipe stays as it was).
    /// </summary>
    public static int TryGrowPipe(SafeHandle pipe, int bytes)
    {
        bool added = false;
        try
        {
            pipe.DangerousAddRef(ref added);
            int fd = (int)pipe.DangerousGetHandle();
            return fcntl(fd, FSetPipeSz, bytes) < 0 ? -1 : fcntl(fd, FGetPipeSz, 0);
        }
        finally
        {
            if (added)
                pipe.DangerousRelease();
        }
    }

    private static IOException Error(string call, int errno) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
}
