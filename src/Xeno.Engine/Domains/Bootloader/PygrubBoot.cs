using System.Text;
using Xeno.Boot;
using Xeno.Boot.CommandLine;
using Xeno.Boot.Images;
using Xeno.Boot.Loaders;
using Xeno.Config.Domain;

namespace Xeno.Engine.Domains.Bootloader;

/// <summary>
/// bootloader="pygrub" inside xenod: runs Xeno.Boot's pygrub in-process on the domain's first
/// disk, copies the chosen kernel and ramdisk into the domain's run folder
/// (<c>P/run/xeno/d&lt;domid&gt;/boot/</c>, mode 0600) and returns the spec QEMU boots: kernel,
/// ramdisk and command line of the chosen entry. What pygrub would print goes to
/// <c>P/var/log/xeno/bootloader.&lt;domid&gt;.log</c>, as libxl keeps
/// /var/log/xen/bootloader.&lt;domid&gt;.log. Runs again on every (re)start, as libxl does.
/// </summary>
internal sealed class PygrubBoot(string logDir, EngineLog log)
{
    public const string KernelFile = "kernel";
    public const string RamdiskFile = "ramdisk";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Largest kernel or ramdisk copied out (pygrub's PYGRUB_MAX_FILE_SIZE_MB default).</summary>
    public long MaxFileBytes { get; init; } = BootFiles.DefaultMaxBytes;

    public static string BootDir(string domainRunDir) => Path.Combine(domainRunDir, "boot");

    public string LogFile(int domid) => Path.Combine(logDir, $"bootloader.{domid}.log");

    /// <summary>
    /// The spec to boot. Unchanged when no bootloader runs (none given, or hvm); otherwise
    /// kernel/ramdisk/cmdline come from the guest's disk and bootloader= is cleared.
    /// </summary>
    /// <exception cref="EngineException">The bootloader is not pygrub, there is no disk, or pygrub finds nothing to boot.</exception>
    public DomainSpec Prepare(DomainSpec spec, int domid, string domainRunDir)
    {
        if (!PygrubCommandLine.Runs(spec))
            return spec;
        var bootloader = spec.Bootloader!;
        if (!PygrubCommandLine.IsPygrub(bootloader))
            throw new EngineException(EngineErrorKind.Invalid,
                $"domain \"{spec.Name}\": bootloader \"{bootloader}\" is not supported: xenod runs pygrub only");
        if (spec.Disks.Count == 0 || spec.Disks[0].Target is not { Length: > 0 } target)
            throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {domid}:cannot run bootloader with no boot disk");
        if (bootloader == "/usr/bin/pygrub")
            log.Info($"Domain {domid}:bootloader='/usr/bin/pygrub' is deprecated; use bootloader='pygrub' instead");

        var disk = spec.Disks[0];
        var transcript = new StringBuilder();
        var args = PygrubCommandLine.Arguments(spec, target);
        transcript.Append("executing bootloader: ").Append(bootloader).Append('\n');
        foreach (var a in args)
            transcript.Append("  bootloader arg: ").Append(a).Append('\n');
        string image = target;
        try
        {
            var parsed = PygrubCommandLine.Parse(args, Directory.Exists);
            image = parsed.Image;
            var booted = Extract(parsed, image == target ? disk.Format : null, BootDir(domainRunDir), transcript);
            log.Info($"Domain {domid}: pygrub on {image}: {booted.Describe()}");
            return spec with
            {
                Kernel = booted.Kernel,
                Ramdisk = booted.Ramdisk,
                Cmdline = booted.Args.Length == 0 ? null : booted.Args,
                Bootloader = null,
                BootloaderArgs = [],
            };
        }
        catch (BootloaderFailure e)
        {
            transcript.Append(e.PygrubSays ?? e.Message).Append('\n');
            TryDelete(BootDir(domainRunDir));
            throw new EngineException(EngineErrorKind.Invalid,
                $"libxl: error: Domain {domid}:bootloader failed - consult logfile {LogFile(domid)}\n" +
                $"pygrub: {image}: {e.Message}", e);
        }
        finally
        {
            WriteLog(domid, transcript.ToString());
        }
    }

    private BootedFiles Extract(PygrubArguments a, string? format, string bootDir, StringBuilder transcript)
    {
        try
        {
            using var file = new FileStream(a.Image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var disk = OpenDisk(file, a.Image, format);
            BootChoice choice;
            try
            {
                choice = PygrubBootloader.Choose(disk, offset => GuestBoot.OpenFileSystemAt(disk, offset), a.ToBootRequest());
            }
            catch (BootSearchException e)
            {
                Transcribe(e.Attempts, a.Debug, transcript);
                throw new BootloaderFailure(e.Message + Reasons(e.Attempts), e) { PygrubSays = "RuntimeError: " + e.Message };
            }
            Transcribe(choice.Attempts, a.Debug, transcript);

            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(bootDir);
            else
                Directory.CreateDirectory(bootDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var kernel = Copy(choice.FileSystem, choice.Kernel, Path.Combine(bootDir, KernelFile));
            var ramdisk = choice.Ramdisk is { } r ? Copy(choice.FileSystem, r, Path.Combine(bootDir, RamdiskFile)) : null;
            return new BootedFiles(kernel, ramdisk, choice.Args, choice);
        }
        catch (BootloaderFailure)
        {
            throw;
        }
        catch (BootException e)
        {
            throw new BootloaderFailure(e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException
                                      or IndexOutOfRangeException or OverflowException or NotSupportedException or InvalidOperationException)
        {
            // Guest disks are hostile: whatever the reader trips over ends as this domain's failure, never xenod's.
            throw new BootloaderFailure(e.Message, e);
        }
    }

    /// <summary>
    /// The virtual disk as the guest sees it. format=raw is read as raw whatever its first bytes
    /// say (a guest could write a qcow2 header naming a host file as backing file); qcow2 must be
    /// qcow2, its backing files resolved next to it as QEMU does; anything else is detected.
    /// </summary>
    private static Stream OpenDisk(FileStream file, string path, string? format)
    {
        if (format == "raw")
            return new NonClosingStream(file);
        if (format == "qcow2" && DiskImage.Detect(file, path) != ImageFormat.Qcow2)
            throw new BootloaderFailure("format=qcow2, but the file is not a qcow2 image");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        return DiskImage.Open(file, new DiskImageOptions
        {
            Name = path,
            BackingResolver = name => new FileStream(Path.Combine(folder, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite),
        });
    }

    private string Copy(IGuestFileSystem fs, string guestPath, string hostPath)
    {
        if (!BootFiles.Exists(fs, guestPath))
            throw new BootloaderFailure($"{guestPath}: no such file in the guest filesystem") { PygrubSays = $"Error opening {guestPath} in guest" };
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnly;
        using var destination = new FileStream(hostPath, options);
        BootFiles.Copy(fs, guestPath, destination, MaxFileBytes);
        return hostPath;
    }

    /// <summary>Why each partition tried gave no kernel, so the error names the real cause.</summary>
    private static string Reasons(IReadOnlyList<PartitionAttempt> attempts)
    {
        var failed = attempts.Where(t => t.Error is not null).ToList();
        if (failed.Count == 0)
            return "";
        return " (" + string.Join("; ", failed.Select(t => $"offset {t.Offset}: {t.Error!.Message}")) + ")";
    }

    private static void Transcribe(IReadOnlyList<PartitionAttempt> attempts, bool debug, StringBuilder transcript)
    {
        foreach (var attempt in attempts)
        {
            foreach (var d in attempt.Diagnostics)
            {
                if (d.Level != DiagnosticLevel.Info || debug)
                    transcript.Append(d.ToPythonLogLine()).Append('\n');
            }
            if (attempt.Error is { } error)
                transcript.Append($"offset {attempt.Offset}: {error.Message}\n");
        }
    }

    private void WriteLog(int domid, string text)
    {
        try
        {
            Directory.CreateDirectory(logDir);
            File.WriteAllText(LogFile(domid), text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Info($"Domain {domid}: cannot write {LogFile(domid)}: {e.Message}");
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private sealed record BootedFiles(string Kernel, string? Ramdisk, string Args, BootChoice Choice)
    {
        public string Describe()
        {
            var entry = Choice.Menu is { } menu && Choice.EntryIndex is { } i
                ? $"entry {i} \"{menu.Entries[i].Title}\" of {menu.ConfigPath}"
                : "the kernel given by --kernel";
            return $"{entry}: kernel {Choice.Kernel}{(Choice.Ramdisk is { } r ? ", ramdisk " + r : "")}, args \"{Args}\"";
        }
    }

    /// <summary>Lets the raw image file be the disk while the caller keeps owning (and closing) it.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
