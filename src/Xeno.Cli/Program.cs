using Microsoft.Win32.SafeHandles;

namespace Xeno.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var stdout = new StreamWriter(Descriptor(1)) { AutoFlush = true };
        var stderr = new StreamWriter(Descriptor(2)) { AutoFlush = true };
        return XlMain.Run(ProgramAliases.XlArguments(ProgramAliases.InvokedName(), args, stderr), stdout, stderr);
    }

    /// <summary>
    /// fd 1 or 2 as a plain stream. Not System.Console's: on a terminal its first write prints
    /// the keypad-mode sequence ESC[?1h ESC= (terminfo's smkx), which Xen's xl never does and
    /// which left `xl console` sessions in application-cursor mode.
    /// </summary>
    private static Stream Descriptor(int fd)
    {
        try
        {
            return new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Stream.Null; // closed by the caller (xl >&-)
        }
    }
}
