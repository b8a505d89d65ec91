using System.Runtime.InteropServices;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// Puts a terminal into raw mode (cfmakeraw) and restores it on dispose, through libc's termios
/// calls. struct termios is treated as opaque bytes (60 on Linux; 128 leaves room).
/// </summary>
internal sealed partial class TerminalMode : IDisposable
{
    private const int TermiosSize = 128;
    private const int TcsaNow = 0;
    private readonly int _fd;
    private readonly byte[] _saved;

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

    public static TerminalMode? Raw(int fd)
    {
        var saved = new byte[TermiosSize];
        if (tcgetattr(fd, saved) != 0)
            return null;
        var raw = (byte[])saved.Clone();
        cfmakeraw(raw);
        tcsetattr(fd, TcsaNow, raw);
        return new TerminalMode(fd, saved);
    }

    public void Dispose() => tcsetattr(_fd, TcsaNow, _saved);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int isatty(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, [Out] byte[] termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int action, byte[] termios);

    [LibraryImport("libc")]
    private static partial void cfmakeraw([In, Out] byte[] termios);
}
