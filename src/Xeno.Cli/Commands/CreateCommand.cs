using System.Text;
using Xeno.Cli.Hosting;
using Xeno.Config.Domain;
using Xeno.Config.Language;

namespace Xeno.Cli.Commands;

/// <summary>
/// `xl create [cfgfile] [options] [key=value ...]`. Reads and appends overrides the way xl does,
/// parses, builds the domain; with -N (or the old -n) prints it as JSON and stops.
/// </summary>
public static class CreateCommand
{
    public static readonly XlCommand Definition = new(
        "create", Run, Modifies: true, CanDryRun: true,
        "Create a domain from config file <filename>",
        "<ConfigFile> [options] [vars]",
        "-h                      Print this help.\n" +
        "-p                      Leave the domain paused after it is created.\n" +
        "-c                      Connect to the console after the domain is created.\n" +
        "-f FILE, --defconfig=FILE\n                     Use the given configuration file.\n" +
        "-q, --quiet             Quiet.\n" +
        "-n, --dryrun            Dry run - prints the resulting configuration\n" +
        "                         (deprecated in favour of global -N option).\n" +
        "-d                      Enable debug messages.\n" +
        "-F                      Run in foreground until death of the domain.\n" +
        "-e                      Do not wait in the background for the death of the domain.\n" +
        "-V, --vncviewer         Connect to the VNC display after the domain is created.\n" +
        "-A, --vncviewer-autopass\n" +
        "                        Pass VNC password to viewer via stdin.");

    private static readonly Getopt Options = new("hFnqf:pcdeVA",
    [
        new LongOption("dryrun", false, 'n'),
        new LongOption("quiet", false, 'q'),
        new LongOption("defconfig", true, 'f'),
        new LongOption("vncviewer", false, 'V'),
        new LongOption("vncviewer-autopass", false, 'A'),
        new LongOption("help", false, 'h'),
    ]);

    // libxl's error codes, returned negated as xl's exit status by create.
    private const int ErrorFail = 3;
    private const int ErrorInval = 6;

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        string? filename = null;
        var rest = args;
        // A first word that is neither an option nor key=value is the file name.
        if (args.Count > 0 && !args[0].StartsWith('-') && !args[0].Contains('='))
        {
            filename = args[0];
            rest = args.Skip(1).ToList();
        }

        var parsed = Options.Parse(rest, out var bad);
        if (bad is { } badOption)
        {
            if (badOption == 'h') return XlHelp.PrintCommandHelp(ctx, Definition);
            ctx.Err.Write($"option `{badOption}' not supported.\n");
            return 2;
        }
        bool dryRun = ctx.DryRun, quiet = false, paused = false, console = false, foreground = false;
        foreach (var (opt, arg) in parsed.Options)
        {
            switch (opt)
            {
                case 'h': return XlHelp.PrintCommandHelp(ctx, Definition);
                case 'f': filename = arg; break;
                case 'n': dryRun = true; break;
                case 'q': quiet = true; break;
                case 'p': paused = true; break;
                case 'c': console = true; break;
                case 'F': foreground = true; break;
                // -e: xenod always monitors the domain, so there is no xl background process to leave out.
                // -d -V -A: debug output and VNC viewers are not provided yet.
            }
        }

        var overrides = new List<string>();
        foreach (var operand in parsed.Operands)
        {
            if (operand.Contains('='))
            {
                overrides.Add(operand);
            }
            else if (filename is null)
            {
                filename = operand;
            }
            else
            {
                XlHelp.PrintCommandHelp(ctx, Definition);
                return 2;
            }
        }

        if (filename is null)
        {
            ctx.Err.Write("Config file not specified and none in save file\n");
            return ErrorInval;
        }

        string text;
        if (filename == "/dev/null")
        {
            text = "";
        }
        else
        {
            try
            {
                if (Directory.Exists(filename)) throw new IOException("Is a directory", 21);
                text = ReadConfigText(filename);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ctx.Err.Write($"Failed to read config file: {filename}: {Strerror.Of(e)}\n");
                return ErrorFail;
            }
        }
        text = ConfigParser.AppendOverrides(text, overrides);

        if (!quiet) ctx.Err.Write($"Parsing config from {filename}\n");

        var parse = ConfigParser.Parse(text, filename);
        if (!parse.Success)
        {
            foreach (var line in parse.DiagnosticLines()) ctx.Err.Write(line + "\n");
            ctx.Err.Write("Failed to parse config: Invalid argument\n");
            return 1;
        }

        var build = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(
            ctx.Global, XenoHost.ReadCpuTopology(), Random.Shared));
        foreach (var message in build.Messages) ctx.Err.Write(message);
        if (!build.Ok) return build.ExitCode;
        if (ctx.Verbosity > 0)
        {
            // Xen ignores unknown keys silently; with -v Xeno names them, since they are usually typos.
            foreach (var key in build.UnusedKeys)
            {
                ctx.Err.Write($"xl: warning: {filename}: unknown option `{key}' ignored\n");
            }
        }

        if (dryRun)
        {
            ctx.Out.Write(DomainSpecJson.Write(build.Spec!) + "\n");
            return 0;
        }

        return Domain.CreateRequest.Send(ctx, build.Spec!, paused, console, foreground);
    }

    /// <summary>Config files are bytes; xl treats them as C strings, so decode leniently as UTF-8.</summary>
    private static string ReadConfigText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return new UTF8Encoding(false, false).GetString(bytes);
    }
}
