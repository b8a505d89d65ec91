using System.Globalization;

namespace Xeno.Host;

/// <summary>
/// Xeno's folders and well-known files under one prefix ("/" on a real host; a temporary folder
/// for isolated instances in tests). The one place the layout is written down: xl, xenod and the
/// xenstore server all take their paths from here. Pure: it builds strings and touches no file.
/// </summary>
public sealed class HostLayout
{
    /// <param name="prefix">Used as given ("" means "/"); callers that need an absolute prefix
    /// resolve it first.</param>
    public HostLayout(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Prefix = prefix.Length == 0 ? "/" : prefix;
    }

    public string Prefix { get; }

    public string ConfigDir => Under("etc/xeno");
    public string XlConf => Path.Combine(ConfigDir, "xl.conf");

    public string RunDir => Under("run/xeno");
    public string DaemonSocket => Path.Combine(RunDir, "xenod.sock");
    public string DaemonPidFile => Path.Combine(RunDir, "xenod.pid");
    /// <summary>Held (flock, exclusive) by the one xenod of this prefix.</summary>
    public string DaemonLockFile => Path.Combine(RunDir, "xenod.lock");
    /// <summary>The next domid, so domids keep increasing across xenod restarts.</summary>
    public string NextDomidFile => Path.Combine(RunDir, "next-domid");
    /// <summary>One JSON runtime record per domain: what a restarted xenod re-adopts.</summary>
    public string DomainRecordDir => Path.Combine(RunDir, "domains");
    /// <summary>Per-domain QEMU files. Short names: unix socket paths are limited to 107 bytes.</summary>
    public string DomainRunDir(int domid) => Path.Combine(RunDir, "d" + domid.ToString(CultureInfo.InvariantCulture));
    /// <summary>The xenstore server's per-domain sockets (domain-&lt;id&gt;.sock).</summary>
    public string XenstoreDomainSocketDir => Path.Combine(RunDir, "xenstore");
    /// <summary>Xen's xenstored socket (Xen's tools default to /run/xenstored/socket).</summary>
    public string XenstoreSocket => Under("run/xenstored/socket");

    public string LogDir => Under("var/log/xeno");
    public string DaemonLog => Path.Combine(LogDir, "xenod.log");
    public string ConsoleLogDir => Path.Combine(LogDir, "console");

    public string LibDir => Under("var/lib/xeno");
    public string DumpDir => Path.Combine(LibDir, "dump");
    /// <summary>ELF kernels unpacked from bzImages for pvh, by content hash.</summary>
    public string KernelCacheDir => Path.Combine(LibDir, "kernels");
    /// <summary>The xenstore server's snapshot and journal.</summary>
    public string XenstoreStateDir => Path.Combine(LibDir, "xenstore");
    /// <summary>The event log's journal (GET /v1/events history that outlives a xenod restart).</summary>
    public string EventJournal => Path.Combine(LibDir, "events.jsonl");

    private string Under(string relative) => Path.Combine(Prefix, relative);
}
