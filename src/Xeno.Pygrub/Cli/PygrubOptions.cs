using Xeno.Boot.Loaders;

namespace Xeno.Pygrub.Cli;

/// <summary>Output formats of pygrub.</summary>
internal enum OutputFormat { Sxp, Simple, Simple0 }

/// <summary>The parsed command line of xeno-pygrub (pygrub's options plus --default_args/--extra_args).</summary>
internal sealed record PygrubOptions
{
    public required string Image { get; init; }
    public bool Interactive { get; init; } = true;
    public bool ListEntries { get; init; }
    public bool NotReally { get; init; }
    public string? Output { get; init; }
    public OutputFormat Format { get; init; } = OutputFormat.Sxp;
    public string OutputDirectory { get; init; } = PygrubOptionsParser.DefaultOutputDirectory;
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
}

/// <summary>The command ends before doing anything: what to print and the exit status.</summary>
internal sealed record EarlyExit(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Reads pygrub's command line with pygrub's checks and messages, in pygrub's order
/// (an operand is required first; option errors print only the usage).
/// </summary>
internal static class PygrubOptionsParser
{
    public const string DefaultOutputDirectory = "/var/run/xen/pygrub";

    private static readonly string[] LongOptions =
    [
        "quiet", "interactive", "list-entries", "not-really", "help",
        "output=", "output-format=", "output-directory=", "offset=",
        "runas=", "entry=", "kernel=", "ramdisk=", "args=", "isconfig", "debug",
        // Xeno additions (XenServer's pygrub has them; Xen 4.17's does not).
        "default_args=", "extra_args=",
    ];

    public static string Usage(string program) =>
        $"Usage: {program} [-q|--quiet] [-i|--interactive] [-l|--list-entries] [-n|--not-really] [--output=] [--kernel=] [--ramdisk=] [--args=] [--entry=] [--output-directory=] [--output-format=sxp|simple|simple0] [--runas=] [--offset=] <image>\n";

    /// <param name="args">The command-line arguments.</param>
    /// <param name="program">Name shown in the usage line.</param>
    /// <param name="isDirectory">Whether a host path is an existing directory (checked for --output-directory).</param>
    public static Union Parse(IReadOnlyList<string> args, string program, Func<string, bool> isDirectory)
    {
        List<(string Option, string Value)> options;
        List<string> operands;
        try
        {
            (options, operands) = GnuGetopt.Parse(args, "qilnh::", LongOptions);
        }
        catch (GetoptException)
        {
            return new EarlyExit(1, "", Usage(program));
        }
        if (operands.Count < 1) return new EarlyExit(1, "", Usage(program));

        var o = new PygrubOptions { Image = operands[0] };
        foreach (var (option, value) in options)
        {
            switch (option)
            {
                case "-q" or "--quiet": o = o with { Interactive = false }; break;
                case "-i" or "--interactive": o = o with { Interactive = true }; break;
                case "-l" or "--list-entries": o = o with { ListEntries = true }; break;
                case "-n" or "--not-really": o = o with { NotReally = true }; break;
                case "-h" or "--help": return new EarlyExit(0, "", Usage(program));
                case "--output": o = o with { Output = value == "-" ? null : value }; break;
                case "--runas":
                    if (!PythonInt.TryParse(value, out var uid))
                        return new EarlyExit(1, "runas value must be an integer user id\n", Usage(program));
                    o = o with { RunAs = uid };
                    break;
                case "--kernel": o = o with { Kernel = value }; break;
                case "--ramdisk": o = o with { Ramdisk = value }; break;
                case "--args": o = o with { Args = value }; break;
                case "--offset":
                    if (!PythonInt.TryParse(value, out var offset))
                        return new EarlyExit(1, "offset value must be an integer\n", Usage(program));
                    o = o with { Offset = offset };
                    break;
                case "--entry": o = o with { Entry = value, Interactive = false }; break;
                case "--isconfig": o = o with { IsConfig = true }; break;
                case "--debug": o = o with { Debug = true }; break;
                case "--output-format":
                    OutputFormat? format = value switch
                    {
                        "sxp" => OutputFormat.Sxp,
                        "simple" => OutputFormat.Simple,
                        "simple0" => OutputFormat.Simple0,
                        _ => null,
                    };
                    if (format is null) return new EarlyExit(1, $"unknown output format {value}\n", Usage(program));
                    o = o with { Format = format.Value };
                    break;
                case "--output-directory":
                    if (!isDirectory(value)) return new EarlyExit(1, $"{value} is not an existing directory\n", "");
                    o = o with { OutputDirectory = value, OutputDirectoryGiven = true };
                    break;
                case "--default_args": o = o with { DefaultArgs = value }; break;
                case "--extra_args": o = o with { ExtraArgs = value }; break;
            }
        }
        if (o.Interactive && o.RunAs is { } u && u != 0)
            return new EarlyExit(1, "", "In order to use --runas, you must also set --entry or -q\n");
        return o;
    }

    /// <summary>Either options to run with or an early exit.</summary>
    public readonly struct Union
    {
        public PygrubOptions? Options { get; }
        public EarlyExit? Exit { get; }
        private Union(PygrubOptions? options, EarlyExit? exit) { Options = options; Exit = exit; }
        public static implicit operator Union(PygrubOptions options) => new(options, null);
        public static implicit operator Union(EarlyExit exit) => new(null, exit);
    }
}
