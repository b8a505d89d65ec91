using System.Globalization;
using Xeno.Config.Install;

namespace Xeno.Cli.Commands.Guests;

/// <summary>
/// `xl guest-install [options] NAME` (Xeno's own, XVM's autoinstaller): a new guest with a
/// freshly installed Debian 12 on its own disk. The disk is a copy of the base image
/// (scripts/debian-image/build), grown on the host as a file only; a helper guest on the rescue
/// kernel and initramfs grows its partition and filesystem and sets its identity and logins
/// (<see cref="GuestInstaller"/>). This layer parses and checks every input first: a refused
/// request has changed nothing. See docs/guests.md, "Autoinstaller".
/// </summary>
public static class GuestInstallCommand
{
    /// <summary>Where an installation keeps the Debian base image, under the prefix.</summary>
    public const string DefaultBase = "usr/lib/xeno/images/debian-12.img";
    public const string DefaultDiskDir = "var/lib/xeno/disks";
    public const string DefaultConfigDir = "etc/xeno/guests";

    public static readonly XlCommand Definition = new(
        "guest-install", Run, Modifies: true, CanDryRun: true,
        "Create a new guest with a freshly installed Debian on its own disk (Xeno)",
        "[options] <Name>",
        "-h                         Print this help.\n" +
        "-s SIZE, --size=SIZE       Disk size with a unit: K, M, G or T (default: the base image's).\n" +
        "-H NAME, --hostname=NAME   The guest's host name (default: <Name>).\n" +
        "--ssh-key=FILE             OpenSSH public key(s) for root's authorized_keys.\n" +
        "--root-password-file=FILE  root's password, the file's first line (console; SSH takes keys).\n" +
        "-t TYPE, --type=TYPE       pv (pygrub, the default) or hvm.\n" +
        "-o FILE, --out=FILE        Write the guest's config there (default: <prefix>/" + DefaultConfigDir + "/<Name>.cfg).\n" +
        "-d FILE, --disk=FILE       The new raw disk (default: <prefix>/" + DefaultDiskDir + "/<Name>.img).\n" +
        "-m MIB, --memory=MIB       The guest's memory in the config (default 512).\n" +
        "--vif=SPEC                 A vif of the config, as in vif=[...] (repeat for more).\n" +
        "-c, --start                Create the domain once it is installed.\n" +
        "--base=IMAGE               The Debian base image, raw (default: <prefix>/" + DefaultBase + ").\n" +
        "-k FILE, --kernel=FILE     The helper's kernel (default: <prefix>/" + GuestRescueCommand.DefaultDir + "/vmlinuz).\n" +
        "-r FILE, --ramdisk=FILE    The helper's rescue initramfs (default: <prefix>/" + GuestRescueCommand.DefaultDir + "/initrd.img).\n" +
        "--timeout=SECONDS          Give the helper guest this long (default 1200).");

    // Long-only options map to letters the short spec does not offer.
    private static readonly Getopt Options = new("hs:H:t:o:d:m:ck:r:",
    [
        new LongOption("size", true, 's'),
        new LongOption("hostname", true, 'H'),
        new LongOption("ssh-key", true, 'K'),
        new LongOption("root-password-file", true, 'P'),
        new LongOption("type", true, 't'),
        new LongOption("out", true, 'o'),
        new LongOption("disk", true, 'd'),
        new LongOption("memory", true, 'm'),
        new LongOption("vif", true, 'V'),
        new LongOption("start", false, 'c'),
        new LongOption("base", true, 'B'),
        new LongOption("kernel", true, 'k'),
        new LongOption("ramdisk", true, 'r'),
        new LongOption("timeout", true, 'T'),
        new LongOption("help", false, 'h'),
    ]);

    private static int Run(XlContext ctx, IReadOnlyList<string> args)
    {
        var parsed = Options.Parse(args, out var bad);
        if (bad is { } badOption)
        {
            if (badOption == 'h') return XlHelp.PrintCommandHelp(ctx, Definition);
            ctx.Err.Write(badOption == '\0' ? "guest-install: unknown option\n" : $"option `{badOption}' not supported.\n");
            return 2;
        }
        if (parsed.Options.Any(o => o.Option == 'h')) return XlHelp.PrintCommandHelp(ctx, Definition);
        if (parsed.Operands.Count != 1)
        {
            XlHelp.PrintCommandHelp(ctx, Definition);
            return 2;
        }
        var request = Check(ctx, parsed.Operands[0], parsed.Options, out int exit);
        if (request is null) return exit;
        if (ctx.DryRun)
        {
            ctx.Out.Write(GuestInstaller.HelperConfig(request, "<parameter disk>"));
            ctx.Out.Write(InstallConfigs.Guest(request.Name, request.Type, request.MemoryMib, request.Disk, request.Vifs));
            return 0;
        }
        return GuestInstaller.Install(ctx, request);
    }

    /// <summary>Every check that can be made before anything is changed; null (and the refusal printed) when one fails.</summary>
    internal static GuestInstallRequest? Check(XlContext ctx, string name, IReadOnlyList<(char Option, string? Argument)> options, out int exit)
    {
        exit = 1;
        string prefix = ctx.Host.Prefix;
        string? size = null, hostname = null, keyFile = null, passwordFile = null, type = null, memory = null, timeout = null;
        string config = Path.Combine(prefix, DefaultConfigDir, name + ".cfg");
        string disk = Path.Combine(prefix, DefaultDiskDir, name + ".img");
        string baseImage = Path.Combine(prefix, DefaultBase);
        string kernel = Path.Combine(prefix, GuestRescueCommand.DefaultDir, "vmlinuz");
        string ramdisk = Path.Combine(prefix, GuestRescueCommand.DefaultDir, "initrd.img");
        var vifs = new List<string>();
        bool start = false;
        foreach (var (opt, arg) in options)
        {
            switch (opt)
            {
                case 's': size = arg; break;
                case 'H': hostname = arg; break;
                case 'K': keyFile = arg; break;
                case 'P': passwordFile = arg; break;
                case 't': type = arg; break;
                case 'o': config = arg!; break;
                case 'd': disk = arg!; break;
                case 'm': memory = arg; break;
                case 'V': vifs.Add(arg!); break;
                case 'c': start = true; break;
                case 'B': baseImage = arg!; break;
                case 'k': kernel = arg!; break;
                case 'r': ramdisk = arg!; break;
                case 'T': timeout = arg; break;
            }
        }
        GuestInstallRequest? Refuse(string message)
        {
            ctx.Err.Write($"guest-install: {message}\n");
            return null;
        }

        if (InstallValues.GuestNameProblem(name) is { } nameProblem) return Refuse(nameProblem);
        var guestType = type switch
        {
            null or "pv" => InstallGuestType.Pv,
            "hvm" => InstallGuestType.Hvm,
            _ => (InstallGuestType?)null,
        };
        if (guestType is null)
        {
            exit = 2; // a usage error, as guest-convert's
            return Refuse($"unknown guest type '{type}' (pv or hvm)");
        }
        hostname ??= name;
        if (InstallValues.HostnameProblem(hostname) is { } hostProblem)
            return Refuse(hostProblem + (options.Any(o => o.Option == 'H') ? "" : " (the guest's name is the default host name: give --hostname)"));
        int memoryMib = 512;
        if (memory is not null && (!int.TryParse(memory, NumberStyles.None, CultureInfo.InvariantCulture, out memoryMib) || memoryMib < 128 || memoryMib > 1 << 20))
            return Refuse($"--memory '{memory}' is not a whole number of MiB from 128 up (Debian needs about 128)");
        int timeoutSeconds = 1200;
        if (timeout is not null && (!int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out timeoutSeconds) || timeoutSeconds < 1))
            return Refuse($"--timeout '{timeout}' is not a whole number of seconds");
        if (keyFile is null && passwordFile is null)
            return Refuse("no login for the new guest: give --ssh-key FILE and/or --root-password-file FILE");

        string? keys = null, password = null;
        if (keyFile is not null)
        {
            if (ReadFile(keyFile, out var bytes) is { } error) return Refuse($"--ssh-key {keyFile}: {error}");
            if (InstallValues.AuthorizedKeys(System.Text.Encoding.UTF8.GetString(bytes), out var k) is { } problem)
                return Refuse($"--ssh-key {keyFile}: {problem}");
            keys = k;
        }
        if (passwordFile is not null)
        {
            if (ReadFile(passwordFile, out var bytes) is { } error) return Refuse($"--root-password-file {passwordFile}: {error}");
            if (InstallValues.RootPassword(bytes, out var p) is { } problem) return Refuse($"--root-password-file {passwordFile}: {problem}");
            password = p;
        }

        foreach (var (path, what) in new[] { (disk, "--disk"), (config, "--out"), (kernel, "--kernel"), (ramdisk, "--ramdisk") })
        {
            if (InstallValues.ConfigStringProblem(path, what) is { } problem) return Refuse(problem);
        }
        foreach (var vif in vifs)
        {
            if (InstallValues.ConfigStringProblem(vif, "--vif") is { } problem) return Refuse(problem);
        }
        disk = Path.GetFullPath(disk);
        config = Path.GetFullPath(config);
        if (File.Exists(disk) || Directory.Exists(disk)) return Refuse($"--disk {disk} exists already: the new guest gets a disk of its own (remove it or name another)");
        if (File.Exists(config) || Directory.Exists(config)) return Refuse($"--out {config} exists already (remove it or name another)");
        foreach (var (file, what) in new[] { (kernel, "kernel"), (ramdisk, "ramdisk") })
        {
            if (!File.Exists(file))
                return Refuse($"no helper {what} at {file}: pass --{what} FILE, or install the guest kit's (scripts/guest-kit/build) vmlinuz " +
                              $"and rescue-initrd.img as vmlinuz and initrd.img in {Path.Combine(prefix, GuestRescueCommand.DefaultDir)}");
        }

        if (BaseImageSize(baseImage, out long baseBytes) is { } baseProblem) return Refuse($"--base {baseImage}: {baseProblem}");
        long sizeBytes = baseBytes;
        if (size is not null)
        {
            if (InstallValues.ParseSize(size, out sizeBytes) is { } problem) return Refuse($"--size: {problem}");
            if (sizeBytes < baseBytes)
                return Refuse($"--size {size} is smaller than the base image ({baseBytes >> 20} MiB): a disk can only grow");
        }
        exit = 0;
        return new GuestInstallRequest(name, hostname, guestType.Value, sizeBytes, keys, password, Path.GetFullPath(baseImage),
            disk, config, Path.GetFullPath(kernel), Path.GetFullPath(ramdisk), memoryMib, vifs, start, TimeSpan.FromSeconds(timeoutSeconds));
    }

    /// <summary>Reads a small input file; the error text (as strerror) or null.</summary>
    private static string? ReadFile(string path, out byte[] bytes)
    {
        bytes = [];
        try
        {
            if (Directory.Exists(path)) return "Is a directory";
            using var f = File.OpenRead(path);
            if (f.Length > 1 << 20) return "larger than 1 MiB: not a key or password file";
            bytes = new byte[f.Length];
            f.ReadExactly(bytes);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Hosting.Strerror.Of(e);
        }
    }

    /// <summary>The base image must be a raw disk with an MBR (the build's), readable: its size in bytes.</summary>
    private static string? BaseImageSize(string path, out long bytes)
    {
        bytes = 0;
        try
        {
            using var f = File.OpenRead(path);
            return InstallBaseImage.Problem(f, out bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Hosting.Strerror.Of(e);
        }
    }
}

/// <summary>A checked install request: every value valid, every input read, no output there yet.</summary>
internal sealed record GuestInstallRequest(
    string Name, string Hostname, InstallGuestType Type, long SizeBytes, string? AuthorizedKeys, string? RootPassword,
    string BaseImage, string Disk, string Config, string Kernel, string Ramdisk, int MemoryMib, IReadOnlyList<string> Vifs,
    bool Start, TimeSpan Timeout);
