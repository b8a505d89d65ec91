using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Xeno.Cli.Tests.Interop;

/// <summary>A pseudo-terminal for tests: the master (posix_openpt) and its slave device, opened.</summary>
internal sealed class PtyPair : IDisposable
{
    private const int OpenReadWrite = 2, NoControllingTerminal = 0x100; // O_RDWR, O_NOCTTY

    private PtyPair(int master, string slavePath, SafeFileHandle slave)
    {
        Master = master;
        SlavePath = slavePath;
        Slave = slave;
    }

    public int Master { get; }
    public string SlavePath { get; }
    public SafeFileHandle Slave { get; }
    public int SlaveFd => (int)Slave.DangerousGetHandle();

    public static PtyPair Open()
    {
        int master = posix_openpt(OpenReadWrite | NoControllingTerminal);
        if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
            throw new IOException($"no pseudo-terminal: errno {Marshal.GetLastPInvokeError()}");
        var name = new byte[128];
        if (ptsname_r(master, name, (nuint)name.Length) != 0)
            throw new IOException($"ptsname_r: errno {Marshal.GetLastPInvokeError()}");
        var path = Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
        return new PtyPair(master, path, File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite));
    }

    public void Dispose()
    {
        Slave.Dispose();
        close(Master);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_openpt(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int grantpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlockpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int ptsname_r(int fd, byte[] buffer, nuint length);

    [DllImport("libc")]
    private static extern int close(int fd);
}
