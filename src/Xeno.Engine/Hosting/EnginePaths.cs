using Xeno.Host;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Hosting;

/// <summary>
/// xenod's paths: the host layout (<see cref="HostLayout"/>) under an absolute prefix, and the
/// files named after domains, which are built with <see cref="FileInside"/> so no name can leave
/// its folder.
/// </summary>
public sealed class EnginePaths
{
    public EnginePaths(string prefix)
    {
        Layout = new HostLayout(string.IsNullOrEmpty(prefix) ? "/" : Path.GetFullPath(prefix));
    }

    public HostLayout Layout { get; }
    public string Prefix => Layout.Prefix;
    public string RunDir => Layout.RunDir;
    public string Socket => Layout.DaemonSocket;
    public string PidFile => Layout.DaemonPidFile;
    public string RecordDir => Layout.DomainRecordDir;
    public string LogDir => Layout.LogDir;
    public string DaemonLog => Layout.DaemonLog;
    public string ConsoleLogDir => Layout.ConsoleLogDir;
    public string DumpDir => Layout.DumpDir;
    public string EventJournal => Layout.EventJournal;
    public string LockFile => Layout.DaemonLockFile;
    public string NextDomidFile => Layout.NextDomidFile;
    public string KernelCacheDir => Layout.KernelCacheDir;
    public string XenstoreSocket => Layout.XenstoreSocket;

    public string DomainRunDir(int domid) => Layout.DomainRunDir(domid);

    /// <summary>The console log of domain <paramref name="name"/>.</summary>
    public string ConsoleLog(string name) => FileInside(ConsoleLogDir, name + ".log");

    /// <summary>Where an on_crash=coredump-* action dumps domain <paramref name="name"/>.</summary>
    public string DumpFile(string name) => FileInside(DumpDir, name);

    public RuntimeFiles FilesFor(int domid, string name)
    {
        var dir = DomainRunDir(domid);
        return new RuntimeFiles(
            QmpSocket: Path.Combine(dir, "qmp"),
            ConsoleSocket: Path.Combine(dir, "con"),
            ConsoleLog: ConsoleLog(name),
            AgentSocket: Path.Combine(dir, "qga"),
            PidFile: Path.Combine(dir, "qemu.pid"));
    }

    /// <summary>
    /// <paramref name="folder"/>/<paramref name="fileName"/>, where the file name comes from
    /// something a user chose (a domain name; vifnames and save files to come). Names are
    /// validated before they get here; this is the last line: anything that is not exactly one
    /// entry directly inside the folder throws instead of becoming a path elsewhere.
    /// </summary>
    public static string FileInside(string folder, string fileName)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(fileName);
        if (fileName.Length == 0 || fileName is "." or ".." || fileName.Contains('/') || fileName.Contains('\0'))
            throw new ArgumentException($"\"{fileName}\" is not a file name inside {folder}", nameof(fileName));
        var full = Path.GetFullPath(Path.Combine(folder, fileName));
        var parent = Path.GetFullPath(folder).TrimEnd('/');
        if (Path.GetDirectoryName(full) != (parent.Length == 0 ? "/" : parent))
            throw new ArgumentException($"\"{fileName}\" would leave {folder}", nameof(fileName));
        return full;
    }
}
