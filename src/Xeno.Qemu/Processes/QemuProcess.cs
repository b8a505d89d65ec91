using Xeno.Qemu.Machine;
using Xeno.Qemu.Qmp;

namespace Xeno.Qemu.Processes;

/// <summary>
/// A running (daemonized) QEMU, identified by pid AND start time so a recycled pid is never
/// mistaken for it. QEMU is not our child (it runs in its own session, so it outlives the
/// daemon): exit is observed by polling /proc, never by waitpid.
/// </summary>
public sealed class QemuProcess
{
    private readonly ProcFs _proc;

    public QemuProcess(int pid, ulong startTicks, RuntimeFiles files, ProcFs? proc = null)
    {
        Pid = pid;
        StartTicks = startTicks;
        Files = files;
        _proc = proc ?? ProcFs.Host;
    }

    public int Pid { get; }
    public ulong StartTicks { get; }
    public RuntimeFiles Files { get; }

    public bool IsRunning()
    {
        var stat = _proc.Stat(Pid);
        return stat is not null && stat.StartTicks == StartTicks && !stat.HasExited;
    }

    /// <summary>Completes once the process is gone; polls at <paramref name="pollInterval"/>.</summary>
    public async Task WaitForExitAsync(TimeSpan pollInterval, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        while (IsRunning())
            await Task.Delay(pollInterval, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SIGKILL, if the pid still belongs to this QEMU. Returns whether a signal was sent.</summary>
    public bool Kill()
    {
        if (!IsRunning())
            return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(Pid);
            process.Kill();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false; // exited meanwhile
        }
    }

    /// <summary>Total CPU time of the given threads (QMP query-cpus-fast thread ids = vCPU time).</summary>
    public TimeSpan CpuTime(IEnumerable<int> threadIds)
    {
        ArgumentNullException.ThrowIfNull(threadIds);
        var total = TimeSpan.Zero;
        foreach (int tid in threadIds)
        {
            if (_proc.ThreadStat(Pid, tid) is { } stat)
                total += stat.CpuTime;
        }
        return total;
    }

    /// <summary>vCPU CPU time, asking QEMU for its vCPU threads.</summary>
    public async Task<TimeSpan> VcpuTimeAsync(QmpClient qmp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(qmp);
        var cpus = await qmp.QueryCpusFastAsync(cancellationToken).ConfigureAwait(false);
        return CpuTime(cpus.Select(c => c.ThreadId));
    }

    /// <summary>
    /// Finds the QEMU of a guest again after a daemon restart: the pid file must name a live
    /// process whose command line uses this guest's QMP socket. Null when there is none.
    /// </summary>
    public static QemuProcess? TryAdopt(RuntimeFiles files, ProcFs? proc = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        proc ??= ProcFs.Host;
        if (PidFile.TryRead(files.PidFile) is not { } pid)
            return null;
        var stat = proc.Stat(pid);
        if (stat is null || stat.HasExited)
            return null;
        if (!IsGuestQemu(proc.CommandLine(pid), files))
            return null;
        return new QemuProcess(pid, stat.StartTicks, files, proc);
    }

    /// <summary>Whether an argument vector is the QEMU of the guest owning these runtime files.</summary>
    internal static bool IsGuestQemu(IReadOnlyList<string>? argv, RuntimeFiles files)
    {
        if (argv is null)
            return false;
        string qmp = $"socket,id=qmp,path={QemuCommandLine.Escape(files.QmpSocket)},";
        return argv.Any(a => a.StartsWith(qmp, StringComparison.Ordinal));
    }
}
