using System.Diagnostics;
using System.Net.Sockets;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Qmp;

namespace Xeno.Qemu.Processes;

/// <summary>
/// Side effect: starts QEMU from an argument vector built with -daemonize. QEMU's first
/// process exits once the machine is set up (status 0) or failed (its stderr says why); the
/// machine itself runs on in a new session (setsid), so a crash or kill of the toolstack
/// never takes guests with it. Then the launcher reads the pid file and connects QMP.
/// </summary>
public sealed class QemuLauncher
{
    private readonly TimeProvider _time;
    private readonly ProcFs _proc;

    public QemuLauncher(TimeProvider? time = null, ProcFs? proc = null)
    {
        _time = time ?? TimeProvider.System;
        _proc = proc ?? ProcFs.Host;
    }

    /// <summary>How long QEMU may take to set the machine up and answer on QMP.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public async Task<QemuInstance> StartAsync(QemuInvocation invocation, RuntimeFiles files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(files);
        PrepareFiles(files);

        using var timeout = new CancellationTokenSource(StartTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await RunForegroundAsync(invocation, linked.Token).ConfigureAwait(false);
            var process = ReadPid(files);
            var qmp = await ConnectAsync(files.QmpSocket, process, linked.Token).ConfigureAwait(false);
            return new QemuInstance(process, qmp);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            KillLeftover(files);
            throw new QemuStartException($"QEMU did not come up within {StartTimeout.TotalSeconds:0} s");
        }
        catch
        {
            KillLeftover(files);
            throw;
        }
    }

    /// <summary>Re-attaches to a guest's QEMU after a toolstack restart; null when it is gone.</summary>
    public async Task<QemuInstance?> AdoptAsync(RuntimeFiles files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (QemuProcess.TryAdopt(files, _proc) is not { } process)
            return null;
        using var timeout = new CancellationTokenSource(StartTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var qmp = await ConnectAsync(files.QmpSocket, process, linked.Token).ConfigureAwait(false);
            return new QemuInstance(process, qmp);
        }
        catch (QemuStartException) when (!process.IsRunning())
        {
            return null;
        }
    }

    private static void PrepareFiles(RuntimeFiles files)
    {
        foreach (var path in new[] { files.QmpSocket, files.ConsoleSocket, files.ConsoleLog, files.AgentSocket, files.PidFile })
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
                Directory.CreateDirectory(dir);
        }
        // A stale pid file would name somebody else's process if QEMU fails early.
        File.Delete(files.PidFile);
    }

    private static async Task RunForegroundAsync(QemuInvocation invocation, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(invocation.Executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in invocation.Arguments)
            info.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new QemuStartException($"cannot run {invocation.Executable}: {e.Message}", e);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
            throw;
        }
        // The daemonized child keeps copies of stdout/stderr until it has finished setting up;
        // once the parent has exited they close promptly.
        string errors = (await stderr.ConfigureAwait(false)).Trim();
        string output = (await stdout.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0)
        {
            string detail = errors.Length > 0 ? errors : output.Length > 0 ? output : "no message";
            throw new QemuStartException($"{Path.GetFileName(invocation.Executable)} exited with status {process.ExitCode}: {detail}");
        }
    }

    private QemuProcess ReadPid(RuntimeFiles files)
    {
        if (PidFile.TryRead(files.PidFile) is not { } pid)
            throw new QemuStartException($"QEMU started but wrote no pid to {files.PidFile}");
        var stat = _proc.Stat(pid);
        if (stat is null || stat.HasExited)
            throw new QemuStartException($"QEMU (pid {pid}) exited right after starting");
        return new QemuProcess(pid, stat.StartTicks, files, _proc);
    }

    private async Task<QmpClient> ConnectAsync(string socket, QemuProcess process, CancellationToken cancellationToken)
    {
        // The socket exists once -daemonize returns; retry briefly in case a peer (an old,
        // killed toolstack) still holds QEMU's single QMP connection.
        while (true)
        {
            try
            {
                return await QmpClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or QmpDisconnectedException or IOException)
            {
                if (!process.IsRunning())
                    throw new QemuStartException($"QEMU (pid {process.Pid}) exited before QMP answered", e);
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void KillLeftover(RuntimeFiles files)
    {
        if (PidFile.TryRead(files.PidFile) is { } pid && _proc.Stat(pid) is { HasExited: false } stat)
        {
            if (QemuProcess.IsGuestQemu(_proc.CommandLine(pid), files))
                new QemuProcess(pid, stat.StartTicks, files, _proc).Kill();
        }
    }
}
