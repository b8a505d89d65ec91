namespace Xeno.Cli;

/// <summary>
/// One program, three names (installed as symlinks, bin/xl passes the name on as argv[0]):
/// `xl`; `xentop`, which is `xl top`; and `xm`, Xen 3's toolstack, whose commands xl took over:
/// it runs the same command as xl after saying once on stderr that xm is gone.
/// </summary>
public static class ProgramAliases
{
    /// <summary>What xm prints before running the command (docs/commands.md quotes it).</summary>
    public const string XmNotice =
        "xm: Xen 4.x no longer has xm (removed in Xen 4.5); running the same command as `xl` does. Type xl next time.\n";

    /// <summary>The xl command line for a program started as <paramref name="programName"/> (a path or a bare name).</summary>
    public static string[] XlArguments(string programName, string[] args, TextWriter stderr)
    {
        switch (Path.GetFileName(programName))
        {
            case "xentop":
                return ["top", .. args];
            case "xm":
                stderr.Write(XmNotice);
                return args;
            default:
                return args;
        }
    }

    /// <summary>argv[0] as the kernel holds it (/proc/self/cmdline), which a symlink's name survives; "xl" if unreadable.</summary>
    public static string InvokedName()
    {
        try
        {
            var bytes = File.ReadAllBytes("/proc/self/cmdline");
            int end = Array.IndexOf(bytes, (byte)0);
            return System.Text.Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "xl";
        }
    }
}
