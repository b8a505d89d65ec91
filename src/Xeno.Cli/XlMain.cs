using Xeno.Cli.Commands;
using Xeno.Cli.Hosting;
using Xeno.Config.Host;
using Xeno.Config.Language;

namespace Xeno.Cli;

/// <summary>
/// `xl [-vfNtT] [--prefix DIR] <subcommand> [args]`: global options, xl.conf, then the command.
/// Kept apart from Program so tests run it in-process with their own streams and prefix.
/// </summary>
public static class XlMain
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string? environmentPrefix = null)
    {
        int verbosity = 0;
        bool dryRun = false, force = false;
        string prefix = environmentPrefix ?? Environment.GetEnvironmentVariable("XENO_PREFIX") ?? "/";

        int i = 0;
        // Global options stop at the first word that is not an option (getopt's "+" mode).
        for (; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--") { i++; break; }
            if (a.StartsWith("--prefix=", StringComparison.Ordinal)) { prefix = a["--prefix=".Length..]; continue; }
            if (a == "--prefix")
            {
                if (i + 1 >= args.Length) { stderr.Write("unknown global option\n"); return 1; }
                prefix = args[++i];
                continue;
            }
            if (a.Length < 2 || a[0] != '-') break;
            foreach (var c in a[1..])
            {
                switch (c)
                {
                    case 'v': verbosity++; break;
                    case 'N': dryRun = true; break;
                    case 'f': force = true; break;
                    case 't': case 'T': break; // progress and timestamp styles of libxl's log
                    default:
                        stderr.Write("unknown global option\n");
                        return 1;
                }
            }
        }

        if (i >= args.Length)
        {
            XlHelp.PrintAll(stdout);
            return 1;
        }

        var host = new XenoHost(prefix);
        var global = ReadGlobalConfig(host, stderr, out var globalExit);
        if (global is null) return globalExit;

        var name = args[i];
        var rest = args.Skip(i + 1).ToList();
        var ctx = new XlContext
        {
            Out = stdout,
            Err = stderr,
            Host = host,
            DryRun = dryRun,
            Verbosity = verbosity,
            Force = force,
            Global = global,
        };

        var command = CommandTable.Lookup(name);
        if (command is not null)
        {
            if (dryRun && !command.CanDryRun)
            {
                stderr.Write("command does not implement -N (dryrun) option\n");
                return 1;
            }
            return command.Run(ctx, rest);
        }
        if (name == "help")
        {
            if (rest.Count == 0 || rest[0] == "help")
            {
                XlHelp.PrintAll(stdout);
            }
            else if (CommandTable.Lookup(rest[0]) is { } c)
            {
                XlHelp.PrintCommand(stdout, c);
            }
            else
            {
                stdout.Write($"command \"{rest[0]}\" not implemented\n");
            }
            return 0;
        }
        stderr.Write("command not implemented\n");
        return 1;
    }

    /// <summary>
    /// Reads &lt;prefix&gt;/etc/xeno/xl.conf. A missing file means defaults (Xen always ships one;
    /// we do not complain about its absence). Returns null with the exit status on a parse error.
    /// </summary>
    private static GlobalConfig? ReadGlobalConfig(XenoHost host, TextWriter stderr, out int exit)
    {
        exit = 0;
        var path = host.XlConfPath;
        string text;
        try
        {
            if (!File.Exists(path)) return GlobalConfig.Default;
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.Write($"Failed to read config file: {path}: {Strerror.Of(e)}\n");
            text = "";
        }
        var parse = ConfigParser.Parse(text, path);
        if (!parse.Success)
        {
            foreach (var line in parse.DiagnosticLines()) stderr.Write(line + "\n");
            stderr.Write("Failed to parse config file: Invalid argument\n");
            exit = 1;
            return null;
        }
        var messages = new List<string>();
        var global = GlobalConfigReader.Read(parse.Document!, messages);
        foreach (var m in messages) stderr.Write(m);
        return global;
    }
}
