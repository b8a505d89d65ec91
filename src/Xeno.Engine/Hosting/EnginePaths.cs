using System.Globalization;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Hosting;

/// <summary>Xen's host layout under one prefix (so isolated xenods run side by side in tests).</summary>
public sealed class EnginePaths
{
    public EnginePaths(string prefix)
    {
        Prefix = string.IsNullOrEmpty(prefix) ? "/" : Path.GetFullPath(prefix);
    }

    public string Prefix { get; }
    public string RunDir => Path.Combine(Prefix, "run/xeno");
    public string Socket => Path.Combine(RunDir, "xenod.sock");
    public string PidFile => Path.Combine(RunDir, "xenod.pid");
    /// <summary>One JSON runtime record per domain: what a restarted xenod re-adopts.</summary>
    public string RecordDir => Path.Combine(RunDir, "domains");
    public string LogDir => Path.Combine(Prefix, "var/log/xeno");
    public string DaemonLog => Path.Combine(LogDir, "xenod.log");
    public string ConsoleLogDir => Path.Combine(LogDir, "console");
    public string DumpDir => Path.Combine(Prefix, "var/lib/xeno/dump");
    /// <summary>The event log's journal (GET /v1/events history that outlives a xenod restart).</summary>
    public string EventJournal => Path.Combine(Prefix, "var/lib/xeno/events.jsonl");
    /// <summary>ELF kernels unpacked from bzImages for pvh, by content hash.</summary>
    public string KernelCacheDir => Path.Combine(Prefix, "var/lib/xeno/kernels");
    /// <summary>Xen's xenstored socket path under the prefix (Xen's tools default to /run/xenstored/socket).</summary>
    public string XenstoreSocket => Path.Combine(Prefix, "run/xenstored/socket");

    /// <summary>Per-domain QEMU files. Short names: unix socket paths are limited to 107 bytes.</summary>
    public string DomainRunDir(int domid) => Path.Combine(RunDir, "d" + domid.ToString(CultureInfo.InvariantCulture));

    public string ConsoleLog(string name) => Path.Combine(ConsoleLogDir, name + ".log");

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
}
