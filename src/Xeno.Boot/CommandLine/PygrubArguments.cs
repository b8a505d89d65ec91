using Xeno.Boot.Loaders;

namespace Xeno.Boot.CommandLine;

/// <summary>pygrub's output formats.</summary>
public enum PygrubOutputFormat { Sxp, Simple, Simple0 }

/// <summary>
/// pygrub's command line, parsed (pygrub's options plus XenServer's --default_args and
/// --extra_args). Shared by xeno-pygrub and xenod, which reads a domain's bootloader_args
/// exactly as pygrub would read them after libxl's own arguments.
/// </summary>
public sealed record PygrubArguments
{
    public required string Image { get; init; }
    public bool Interactive { get; init; } = true;
    public bool ListEntries { get; init; }
    public bool NotReally { get; init; }
    public string? Output { get; init; }
    public PygrubOutputFormat Format { get; init; } = PygrubOutputFormat.Sxp;
    public string OutputDirectory { get; init; } = PygrubArgumentParser.DefaultOutputDirectory;
    public bool OutputDirectoryGiven { get; init; }
    public long? Offset { get; init; }
    public long? RunAs { get; init; }
    public string? Entry { get; init; }
    public string? Kernel { get; init; }
    public string? Ramdisk { get; init; }
    public string Args { get; init; } = "";
    public string? DefaultArgs { get; init; }
    public string? ExtraArgs { get; init; }
    public bool IsConfig { get; init; }
    public bool Debug { get; init; }

    /// <summary>The library request these arguments make (no interactive menu).</summary>
    public BootRequest ToBootRequest() => new()
    {
        Entry = Entry,
        Kernel = string.IsNullOrEmpty(Kernel) ? null : Kernel,
        Ramdisk = Ramdisk,
        Args = Args,
        DefaultArgs = DefaultArgs,
        ExtraArgs = ExtraArgs,
        Offset = Offset,
    };
}

/// <summary>The command ends before doing anything: what pygrub prints and its exit status.</summary>
public sealed record PygrubEarlyExit(int ExitCode, string Stdout, string Stderr);

/// <summary>Either arguments to run with or an early exit.</summary>
public readonly struct PygrubParse
{
    private PygrubParse(PygrubArguments? arguments, PygrubEarlyExit? exit) { Arguments = arguments; Exit = exit; }
    public PygrubArguments? Arguments { get; }
    public PygrubEarlyExit? Exit { get; }
    public static implicit operator PygrubParse(PygrubArguments arguments) => new(arguments, null);
    public static implicit operator PygrubParse(PygrubEarlyExit exit) => new(null, exit);
}

/// <summary>
/// Reads pygrub's command line with pygrub's checks and messages, in pygrub's order (an
/// operand is required first; option errors print only the usage; the last of a repeated
/// option wins).
/// </summary>
public static class PygrubArgumentParser
{
    public const string DefaultOutputDirectory = "/var/run/xen/pygrub";

    private static readonly string[] LongOptions =
    [
        "quiet", "interactive", "list-entries", "not-really", "help",
        "output=", "output-format=", "output-directory=", "offset=",
        "runas=", "entry=", "kernel=", "ramdisk=", "args=", "isconfig", "debug",
        // XenServer's pygrub has these; Xen 4.17's does not.
        "default_args=", "extra_args=",
    ];

    public static string Usage(string program) =>
        $"Usage: {program} [-q|--quiet] [-i|--interactive] [-l|--list-entries] [-n|--not-really] [--output=] [--kernel=] [--ramdisk=] [--args=] [--entry=] [--output-directory=] [--output-format=sxp|simple|simple0] [--runas=] [--offset=] <image>\n";

    /// <param name="args">The command-line arguments (without the program name).</param>
    /// <param name="program">Name shown in the usage line.</param>
    /// <param name="isDirectory">Whether a host path is an existing directory (checked for --output-directory).</param>
    public static PygrubParse Parse(IReadOnlyList<string> args, string program, Func<string, bool> isDirectory)
    {
        List<(string Option, string Value)> options;
        List<string> operands;
        try
        {
            (options, operands) = GnuGetopt.Parse(args, "qilnh::", LongOptions);
        }
        catch (GetoptException)
        {
            return new PygrubEarlyExit(1, "", Usage(program));
        }
        if (operands.Count < 1) return new PygrubEarlyExit(1, "", Usage(program));

        var o = new PygrubArguments { Image = operands[0] };
        foreach (var (option, value) in options)
        {
            switch (option)
            {
                case "-q" or "--quiet": o = o with { Interactive = false }; break;
                case "-i" or "--interactive": o = o with { Interactive = true }; break;
                case "-l" or "--list-entries": o = o with { ListEntries = true }; break;
                case "-n" or "--not-really": o = o with { NotReally = true }; break;
                case "-h" or "--help": return new PygrubEarlyExit(0, "", Usage(program));
                case "--output": o = o with { Output = value == "-" ? null : value }; break;
                case "--runas":
                    if (!PythonInt.TryParse(value, out var uid))
                        return new PygrubEarlyExit(1, "runas value must be an integer user id\n", Usage(program));
                    o = o with { RunAs = uid };
                    break;
                case "--kernel": o = o with { Kernel = value }; break;
                case "--ramdisk": o = o with { Ramdisk = value }; break;
                case "--args": o = o with { Args = value }; break;
                case "--offset":
                    if (!PythonInt.TryParse(value, out var offset))
                        return new PygrubEarlyExit(1, "offset value must be an integer\n", Usage(program));
                    o = o with { Offset = offset };
                    break;
                case "--entry": o = o with { Entry = value, Interactive = false }; break;
                case "--isconfig": o = o with { IsConfig = true }; break;
                case "--debug": o = o with { Debug = true }; break;
                case "--output-format":
                    PygrubOutputFormat? format = value switch
                    {
                        "sxp" => PygrubOutputFormat.Sxp,
                        "simple" => PygrubOutputFormat.Simple,
                        "simple0" => PygrubOutputFormat.Simple0,
                        _ => null,
                    };
                    if (format is null) return new PygrubEarlyExit(1, $"unknown output format {value}\n", Usage(program));
                    o = o with { Format = format.Value };
                    break;
                case "--output-directory":
                    if (!isDirectory(value)) return new PygrubEarlyExit(1, $"{value} is not an existing directory\n", "");
                    o = o with { OutputDirectory = value, OutputDirectoryGiven = true };
                    break;
                case "--default_args": o = o with { DefaultArgs = value }; break;
                case "--extra_args": o = o with { ExtraArgs = value }; break;
            }
        }
        if (o.Interactive && o.RunAs is { } u && u != 0)
            return new PygrubEarlyExit(1, "", "In order to use --runas, you must also set --entry or -q\n");
        return o;
    }
}
