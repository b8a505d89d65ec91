using System.Text;
using Xeno.Boot;
using Xeno.Boot.Loaders;
using Xeno.Boot.CommandLine;
using Xeno.Pygrub.Files;
using Xeno.Pygrub.Output;

namespace Xeno.Pygrub;

/// <summary>Everything the command touches outside itself, so tests can drive it.</summary>
internal sealed record PygrubHost
{
    public required Stream Stdout { get; init; }
    public required Stream Stderr { get; init; }
    public required Func<string, GuestImage> OpenImage { get; init; }
    public string Program { get; init; } = "xeno-pygrub";
    public bool IsTerminal { get; init; }
    public Func<int, int> NextRandom { get; init; } = Random.Shared.Next;
    public long MaxFileBytes { get; init; } = BootFiles.DefaultMaxBytes;
    public Func<BootMenu, int, int>? InteractiveMenu { get; init; }
}

/// <summary>
/// xeno-pygrub: pygrub's command line, messages, output formats and exit codes over the
/// Xeno.Boot library. Deliberate differences from Xen 4.17's pygrub are listed in docs/pygrub.md.
/// </summary>
internal sealed class PygrubCommand(PygrubHost host)
{
    private static readonly UTF8Encoding Utf8 = new(false);

    public int Run(IReadOnlyList<string> args)
    {
        var parsed = PygrubArgumentParser.Parse(args, host.Program, Directory.Exists);
        if (parsed.Exit is { } exit)
        {
            Out(exit.Stdout);
            Err(exit.Stderr);
            return exit.ExitCode;
        }
        var o = parsed.Arguments!;
        // pygrub's curses menu fails without a terminal; we fall back to the default entry.
        if (!host.IsTerminal) o = o with { Interactive = false };

        try
        {
            return o.IsConfig ? RunIsConfig(o) : RunImage(o);
        }
        catch (BootException e)
        {
            Err($"RuntimeError: {e.Message}\n");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Err($"OSError: {e.Message}\n");
            return 1;
        }
    }

    private BootRequest Request(PygrubArguments o) => o.ToBootRequest() with
    {
        Menu = o.Interactive && host.IsTerminal && !o.ListEntries ? host.InteractiveMenu : null,
    };

    /// <summary>--isconfig: the operand is a config file on the host (a debugging aid).</summary>
    private int RunIsConfig(PygrubArguments o)
    {
        if (!File.Exists(o.Image)) throw new BootException($"Unable to access {o.Image}");
        var bytes = File.ReadAllBytes(o.Image);
        if (bytes.Length > BootConfigReader.MaxConfigBytes) bytes = bytes[..BootConfigReader.MaxConfigBytes];
        var menu = BootConfigReader.Parse(BootConfigReader.Decode(bytes), o.Image, KindByName(o.Image));
        WriteDiagnostics(menu.Diagnostics, o.Debug);
        if (o.ListEntries) Out(EntryListing.Format(menu));
        var diagnostics = new List<BootDiagnostic>();
        int index = EntrySelector.Select(menu, o.Entry, diagnostics);
        WriteDiagnostics(diagnostics, o.Debug);
        var entry = menu.Entries[index];
        var request = Request(o);
        string args = (entry.Args ?? "") + (request.Args.Length > 0 ? " " + request.Args : "");
        var sb = new StringBuilder();
        sb.Append("  kernel: ").Append(entry.Kernel ?? "None").Append('\n');
        if (!string.IsNullOrEmpty(entry.Initrd)) sb.Append("  initrd: ").Append(entry.Initrd).Append('\n');
        sb.Append("  args: ").Append(args).Append('\n');
        Out(sb.ToString());
        return 0;
    }

    /// <summary>pygrub always parses --isconfig files as grub2; we go by the file's name.</summary>
    private static ConfigKind KindByName(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        if (name is "menu.lst" or "grub.conf") return ConfigKind.GrubLegacy;
        if (name.EndsWith(".conf", StringComparison.Ordinal) || name is "isolinux.cfg" or "syslinux.cfg") return ConfigKind.ExtLinux;
        return ConfigKind.Grub2;
    }

    private int RunImage(PygrubArguments o)
    {
        if (!o.OutputDirectoryGiven) Directory.CreateDirectory(o.OutputDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (!File.Exists(o.Image) && !Directory.Exists(o.Image))
        {
            Err($"FileNotFoundError: [Errno 2] No such file or directory: {PythonRepr.Of(o.Image)}\n");
            return 1;
        }

        using var image = host.OpenImage(o.Image);
        BootChoice choice;
        try
        {
            choice = PygrubBootloader.Choose(image.Disk, image.OpenFileSystem, Request(o));
        }
        catch (BootSearchException e)
        {
            Report(e.Attempts, o);
            if (o.ListEntries) return 0;
            Err($"RuntimeError: {e.Message}\n");
            return 1;
        }
        Report(choice.Attempts, o);
        if (o.ListEntries) return 0;

        var fs = choice.FileSystem;
        string? kernelOut, ramdiskOut = null;
        if (o.NotReally)
        {
            if (!BootFiles.Exists(fs, choice.Kernel)) return Fail("The requested kernel file does not exist");
            if (choice.Ramdisk is not null && !BootFiles.Exists(fs, choice.Ramdisk)) return Fail("The requested ramdisk file does not exist");
            kernelOut = $"<kernel:{choice.Kernel}>";
            if (choice.Ramdisk is not null) ramdiskOut = $"<ramdisk:{choice.Ramdisk}>";
        }
        else
        {
            var files = new OutputFiles(o.OutputDirectory, host.NextRandom);
            kernelOut = Extract(files, fs, choice.Kernel, "kernel");
            if (kernelOut is null) return 1;
            if (choice.Ramdisk is not null)
            {
                ramdiskOut = Extract(files, fs, choice.Ramdisk, "ramdisk");
                if (ramdiskOut is null) { File.Delete(kernelOut); return 1; }
            }
        }

        string text;
        try
        {
            text = BootOutput.Format(o.Format, kernelOut, ramdiskOut, choice.Args.Length == 0 ? null : choice.Args);
        }
        catch (OutputFormatException e)
        {
            if (!o.NotReally) { File.Delete(kernelOut); if (ramdiskOut is not null) File.Delete(ramdiskOut); }
            Err($"RuntimeError: {e.Message}\n");
            return 1;
        }

        if (o.Output is null) { Out(text); return 0; }
        try
        {
            File.WriteAllBytes(o.Output, Utf8.GetBytes(text));
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nobody will learn the temp file names: do not leave them behind.
            if (!o.NotReally) { File.Delete(kernelOut); if (ramdiskOut is not null) File.Delete(ramdiskOut); }
            Err($"OSError: {e.Message}\n");
            return 1;
        }
    }

    /// <summary>Copies one file out of the guest into a new temp file; null (after a message) on failure.</summary>
    private string? Extract(OutputFiles files, IGuestFileSystem fs, string guestPath, string kind)
    {
        if (!BootFiles.Exists(fs, guestPath))
        {
            Err($"{guestPath}: no such file in the guest filesystem\nError opening {guestPath} in guest\n");
            return null;
        }
        var (path, stream) = files.Create($"boot_{kind}.");
        try
        {
            using (stream) BootFiles.Copy(fs, guestPath, stream, host.MaxFileBytes);
            return path;
        }
        catch (Exception e) when (e is BootException or IOException)
        {
            File.Delete(path);
            Err($"{e.Message}\nError writing temporary copy of {kind}\n");
            return null;
        }
    }

    private void Report(IReadOnlyList<PartitionAttempt> attempts, PygrubArguments o)
    {
        foreach (var attempt in attempts)
        {
            WriteDiagnostics(attempt.Diagnostics, o.Debug);
            if (o.Debug && attempt.Error is { } error) Err($"offset {attempt.Offset}: {error.Message}\n");
            if (o.ListEntries && attempt.Menu is { } menu) Out(EntryListing.Format(menu));
        }
    }

    private void WriteDiagnostics(IEnumerable<BootDiagnostic> diagnostics, bool debug)
    {
        foreach (var d in diagnostics)
            if (d.Level != DiagnosticLevel.Info || debug) Err(d.ToPythonLogLine() + "\n");
    }

    private int Fail(string message)
    {
        Err(message + "\n");
        return 1;
    }

    private void Out(string s) { if (s.Length > 0) { host.Stdout.Write(Utf8.GetBytes(s)); host.Stdout.Flush(); } }
    private void Err(string s) { if (s.Length > 0) { host.Stderr.Write(Utf8.GetBytes(s)); host.Stderr.Flush(); } }
}
