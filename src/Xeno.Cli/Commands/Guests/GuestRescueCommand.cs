using System.Text;
using Xeno.Cli.Commands.Domain;
using Xeno.Cli.Hosting;
using Xeno.Config.Domain;
using Xeno.Config.Language;

namespace Xeno.Cli.Commands.Guests;

/// <summary>
/// `xl guest-rescue [options] <ConfigFile> [key=value ...]` (Xeno's own): creates the domain of a config
/// file in rescue mode (<see cref="RescueBoot"/>): the rescue kernel and initramfs, a shell on
/// the console, the guest's disks attached. The same domain boots normally again with
/// `xl create` of the unchanged config. Equivalent, in plain xl terms, to `xl create cfg
/// type="pv" kernel=K ramdisk=R cmdline=...` with the bootloader line removed.
/// </summary>
public static class GuestRescueCommand
{
    /// <summary>Where an installation keeps the rescue kernel and initramfs (the guest kit's), under the prefix.</summary>
    public const string DefaultDir = "usr/lib/xeno/rescue";

    public static readonly XlCommand Definition = new(
        "guest-rescue", Run, Modifies: true, CanDryRun: true,
        "Create a domain from config file <filename> in rescue mode (Xeno)",
        "[options] <ConfigFile> [vars]",
        "-h                      Print this help.\n" +
        "-p                      Leave the domain paused after it is created.\n" +
        "-c                      Connect to the console after the domain is created.\n" +
        "-q, --quiet             Quiet.\n" +
        "-k FILE, --kernel=FILE  Rescue kernel (default: <prefix>/" + DefaultDir + "/vmlinuz).\n" +
        "-r FILE, --ramdisk=FILE Rescue initramfs (default: <prefix>/" + DefaultDir + "/initrd.img).");

    private const string ShortOptions = "pcqk:r:";

    private static readonly LongOption[] LongOptions =
    [
        new LongOption("quiet", false, 'q'),
        new LongOption("kernel", true, 'k'),
        new LongOption("ramdisk", true, 'r'),
    ];

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        if (DomainArgs.Parse(ctx, Definition, ShortOptions, LongOptions, args, required: 0, out int exit) is not { } parsed)
            return exit;
        bool quiet = false, paused = false, console = false;
        string kernel = Path.Combine(ctx.Host.Prefix, DefaultDir, "vmlinuz");
        string ramdisk = Path.Combine(ctx.Host.Prefix, DefaultDir, "initrd.img");
        foreach (var (opt, arg) in parsed.Options)
        {
            switch (opt)
            {
                case 'q': quiet = true; break;
                case 'p': paused = true; break;
                case 'c': console = true; break;
                case 'k': kernel = arg!; break;
                case 'r': ramdisk = arg!; break;
            }
        }
        var filename = parsed.Operands.FirstOrDefault(o => !o.Contains('='));
        if (filename is null || parsed.Operands.Count(o => !o.Contains('=')) > 1)
        {
            XlHelp.PrintCommandHelp(ctx, Definition);
            return 2;
        }
        foreach (var (file, what) in new[] { (kernel, "kernel"), (ramdisk, "ramdisk") })
        {
            if (!File.Exists(file))
            {
                ctx.Err.Write($"guest-rescue: no rescue {what} at {file}: pass -{what[0]} FILE, or install the guest kit's " +
                              $"(scripts/guest-kit/build) vmlinuz and initrd.img in {Path.Combine(ctx.Host.Prefix, DefaultDir)}\n");
                return 1;
            }
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, false).GetString(File.ReadAllBytes(filename));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ctx.Err.Write($"Failed to read config file: {filename}: {Strerror.Of(e)}\n");
            return 3;
        }
        IReadOnlyList<string> rescue;
        try
        {
            rescue = RescueBoot.Overrides(Path.GetFullPath(kernel), Path.GetFullPath(ramdisk));
        }
        catch (ArgumentException e)
        {
            ctx.Err.Write($"guest-rescue: {e.Message}\n");
            return 1;
        }
        // The owner's own overrides first, the rescue ones last so they win.
        text = ConfigParser.AppendOverrides(text, parsed.Operands.Where(o => o.Contains('=')).Concat(rescue));
        if (!quiet) ctx.Err.Write($"Parsing config from {filename} (rescue mode)\n");
        var parse = ConfigParser.Parse(text, filename);
        if (!parse.Success)
        {
            foreach (var line in parse.DiagnosticLines()) ctx.Err.Write(line + "\n");
            ctx.Err.Write("Failed to parse config: Invalid argument\n");
            return 1;
        }
        var build = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(ctx.Global, XenoHost.ReadCpuTopology(), Random.Shared));
        foreach (var message in build.Messages) ctx.Err.Write(message);
        if (!build.Ok) return build.ExitCode;
        var spec = RescueBoot.Apply(build.Spec!);
        if (ctx.DryRun)
        {
            ctx.Out.Write(DomainSpecJson.Write(spec) + "\n");
            return 0;
        }
        return Domain.CreateRequest.Send(ctx, spec, paused, console, foreground: false);
    }
}
