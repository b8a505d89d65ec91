using Xeno.Boot.CommandLine;
using Xeno.Config.Domain;

namespace Xeno.Engine.Domains.Bootloader;

/// <summary>
/// How libxl runs a bootloader, as pure functions: whether it runs at all (pv and pvh only;
/// libxl skips it for hvm), which program is meant, and the command line it gets:
/// <c>--kernel=</c>/<c>--ramdisk=</c> from kernel=/ramdisk= (paths inside the guest then),
/// <c>--args=</c> from xl's command line (cmdline=, or root= and extra=), then the domain's
/// bootloader_args, then the first disk. pygrub reads that with getopt, so a later option
/// wins: bootloader_args override what libxl put before them.
/// </summary>
internal static class PygrubCommandLine
{
    /// <summary>The program name pygrub's usage line shows when libxl runs it by name.</summary>
    public const string Program = "pygrub";

    /// <summary>True when the domain boots through its bootloader (libxl ignores bootloader= for hvm).</summary>
    public static bool Runs(DomainSpec spec) => spec.BootloaderRuns;

    /// <summary>
    /// Whether <paramref name="bootloader"/> names pygrub: "pygrub" (libxl looks it up in Xen's
    /// libexec folder), any path ending in /pygrub (e.g. /usr/lib/xen-4.17/bin/pygrub, the
    /// deprecated /usr/bin/pygrub), or Xeno's own xeno-pygrub.
    /// </summary>
    public static bool IsPygrub(string bootloader)
    {
        var name = bootloader.EndsWith('/') ? "" : Path.GetFileName(bootloader);
        return name is "pygrub" or "xeno-pygrub";
    }

    /// <summary>The arguments libxl passes (its --output* options aside: xenod keeps the files itself).</summary>
    public static List<string> Arguments(DomainSpec spec, string diskPath)
    {
        var args = new List<string>();
        if (spec.Kernel is { } kernel)
            args.Add("--kernel=" + kernel);
        if (spec.Ramdisk is { } ramdisk)
            args.Add("--ramdisk=" + ramdisk);
        if (!string.IsNullOrEmpty(spec.Cmdline))
            args.Add("--args=" + spec.Cmdline);
        args.AddRange(spec.BootloaderArgs);
        args.Add(diskPath);
        return args;
    }

    /// <summary>
    /// Parses the command line as pygrub does. An option error is what pygrub prints before
    /// exiting (its usage line); options that make pygrub boot nothing are refused by name.
    /// </summary>
    /// <exception cref="BootloaderFailure">pygrub would exit without a kernel.</exception>
    public static PygrubArguments Parse(IReadOnlyList<string> args, Func<string, bool> isDirectory)
    {
        var parsed = PygrubArgumentParser.Parse(args, Program, isDirectory);
        if (parsed.Exit is { } exit)
        {
            var said = (exit.Stdout + exit.Stderr).TrimEnd('\n');
            throw new BootloaderFailure($"pygrub exited with status {exit.ExitCode}: {said}");
        }
        var a = parsed.Arguments!;
        if (a.ListEntries)
            throw new BootloaderFailure("bootloader_args has -l/--list-entries: pygrub lists the entries and boots nothing");
        if (a.NotReally)
            throw new BootloaderFailure("bootloader_args has -n/--not-really: pygrub extracts no kernel to boot");
        if (a.IsConfig)
            throw new BootloaderFailure("bootloader_args has --isconfig: pygrub reads a host config file and boots nothing");
        return a;
    }
}

/// <summary>Why the bootloader gave no kernel; the engine adds the domain and the log file.</summary>
internal sealed class BootloaderFailure(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The last line Xen's pygrub prints in this case, for the bootloader log; null: the message itself.</summary>
    public string? PygrubSays { get; init; }
}
