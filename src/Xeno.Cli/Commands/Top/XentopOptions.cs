namespace Xeno.Cli.Commands.Top;

/// <summary>xentop's command line (getopt_long "hVnxrvd:bi:fz"), its defaults and its usage text.</summary>
public sealed record XentopOptions
{
    public int Delay { get; init; } = 3;
    public bool Batch { get; init; }
    /// <summary>Null: run until stopped (q or a signal).</summary>
    public int? Iterations { get; init; }
    public bool Networks { get; init; }
    public bool Vbds { get; init; }
    public bool RepeatHeader { get; init; }
    public bool Vcpus { get; init; }
    public bool FullName { get; init; }
    public bool Dom0First { get; init; }

    public static string Usage(string program) =>
        $"Usage: {program} [OPTION]\n" +
        "Displays ongoing information about xen vm resources \n\n" +
        "-h, --help           display this help and exit\n" +
        "-V, --version        output version information and exit\n" +
        "-d, --delay=SECONDS  seconds between updates (default 3)\n" +
        "-n, --networks       output vif network data\n" +
        "-x, --vbds           output vbd block device data\n" +
        "-r, --repeat-header  repeat table header before each domain\n" +
        "-v, --vcpus          output vcpu data\n" +
        "-b, --batch\t     output in batch mode, no user input accepted\n" +
        "-i, --iterations     number of iterations before exiting\n" +
        "-f, --full-name      output the full domain name (not truncated)\n" +
        "-z, --dom0-first     display dom0 first (ignore sorting)\n" +
        "\nReport bugs to Xeno's issue tracker.\n";

    private static readonly IReadOnlyList<LongOption> Longs =
    [
        new("help", false, 'h'), new("version", false, 'V'), new("networks", false, 'n'), new("vbds", false, 'x'),
        new("repeat-header", false, 'r'), new("vcpus", false, 'v'), new("delay", true, 'd'), new("batch", false, 'b'),
        new("iterations", true, 'i'), new("full-name", false, 'f'), new("dom0-first", false, 'z'),
    ];

    /// <summary>
    /// Parses as xentop does: -h (or an unknown option, after its complaint) prints the usage and
    /// exits 0, -V the version; numbers are read with atoi (garbage is 0). Null with the exit status
    /// when the program should stop.
    /// </summary>
    public static XentopOptions? Parse(IReadOnlyList<string> args, string program, TextWriter stdout, TextWriter stderr, out int exit)
    {
        exit = 0;
        var parsed = new Getopt("hVnxrvd:bi:fz", Longs).Parse(args, out var bad);
        if (bad is { } b)
        {
            // getopt's own complaint, then xentop's usage (exit 0, as xentop does for '?').
            if (b is 'd' or 'i')
                stderr.Write($"{program}: option requires an argument -- '{b}'\n");
            else if (b == '\0')
                stderr.Write($"{program}: unrecognized option\n");
            else if (b != 'h')
                stderr.Write($"{program}: invalid option -- '{b}'\n");
            stdout.Write(Usage(program));
            return null;
        }
        var o = new XentopOptions();
        foreach (var (opt, value) in parsed.Options)
        {
            switch (opt)
            {
                case 'h': stdout.Write(Usage(program)); return null;
                case 'V': stdout.Write($"xentop {XentopTable.Version}\nXeno's xentop, after the xentop of Judy Fischbach, David Hendricks, Josh Triplett\n"); return null;
                case 'n': o = o with { Networks = true }; break;
                case 'x': o = o with { Vbds = true }; break;
                case 'r': o = o with { RepeatHeader = true }; break;
                case 'v': o = o with { Vcpus = true }; break;
                case 'd': o = o with { Delay = Atoi(value) }; break;
                case 'b': o = o with { Batch = true }; break;
                // xentop counts down with --iterations == 0 as the stop, so 0 (or less) means for ever.
                case 'i': o = o with { Iterations = Atoi(value) is var n && n > 0 ? n : null }; break;
                case 'f': o = o with { FullName = true }; break;
                case 'z': o = o with { Dom0First = true }; break;
            }
        }
        return o;
    }

    /// <summary>C's atoi: optional sign, leading digits, anything after ignored, no digits = 0.</summary>
    public static int Atoi(string? text)
    {
        if (text is null) return 0;
        int i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        bool negative = false;
        if (i < text.Length && text[i] is '+' or '-') negative = text[i++] == '-';
        long n = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]) && n < int.MaxValue)
            n = n * 10 + (text[i++] - '0');
        n = Math.Min(n, int.MaxValue);
        return (int)(negative ? -n : n);
    }
}
