using System.Runtime.InteropServices;

namespace Xeno.Cli.Interop;

/// <summary>
/// Puts a terminal into raw mode (cfmakeraw: no line editing, no local echo, no signals from
/// ^C/^Z, bytes passed as typed) and restores its saved settings on dispose, or on SIGINT,
/// SIGTERM, SIGHUP or SIGQUIT before the process ends, so no exit path leaves the user's
/// terminal raw. struct termios is treated as opaque bytes (60 on Linux; 128 leaves room).
/// </summary>
internal sealed partial class TerminalMode : IDisposable
{
    private const int TermiosSize = 128;
    private const int TcsaNow = 0;
    private readonly int _fd;
    private readonly byte[] _saved;
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _restored;

    private TerminalMode(int fd, byte[] saved)
    {
        _fd = fd;
        _saved = saved;
    }

    public static bool IsTerminal(int fd)
    {
        try { return isatty(fd) == 1; }
        catch (DllNotFoundException) { return false; }
    }

    /// <summary>Raw mode on <paramref name="fd"/>; null when it is not a terminal.</summary>
    public static TerminalMode? Raw(int fd)
    {
        var saved = new byte[TermiosSize];
        if (tcgetattr(fd, saved) != 0)
            return null;
        var raw = (byte[])saved.Clone();
        cfmakeraw(raw);
        var mode = new TerminalMode(fd, saved);
        // Registered before the change: a signal in between still finds the saved settings.
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            mode._signals.Add(PosixSignalRegistration.Create(signal, _ => mode.Restore()));
        if (tcsetattr(fd, TcsaNow, raw) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            mode.Dispose();
            throw new IOException($"cannot put the terminal into raw mode: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return mode;
    }

    /// <summary>Puts the saved settings back (once; later calls do nothing).</summary>
    public void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) == 0)
            tcsetattr(_fd, TcsaNow, _saved);
    }

    public void Dispose()
    {
        Restore();
        foreach (var registration in _signals)
            registration.Dispose();
        _signals.Clear();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int isatty(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, [Out] byte[] termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int action, byte[] termios);

    [LibraryImport("libc")]
    private static partial void cfmakeraw([In, Out] byte[] termios);
}
