using System.Diagnostics;
using Xeno.Network.Scripts;

namespace Xeno.Engine.Network.Scripts;

/// <summary>Where a script call runs: the xenstore its tools talk to and where its stderr goes.</summary>
/// <param name="XenstoreSocket">xenod's xenstored socket; the script's <c>xenstore-*</c> tools get it as XENSTORED_PATH.</param>
/// <param name="HotplugLog"><c>&lt;prefix&gt;/var/log/xeno/xen-hotplug.log</c>: the script's stderr is appended there, as Xen does.</param>
/// <param name="Deadline">How long a script may run before it and its children are killed (libxl: 40 s).</param>
/// <param name="ReadNode">Reads one xenstore node (null when missing): the script's <c>hotplug-status</c> and <c>hotplug-error</c>.</param>
internal sealed record VifScriptHost(string XenstoreSocket, string HotplugLog, TimeSpan Deadline, Func<string, string?> ReadNode)
{
    /// <summary>libxl's LIBXL_HOTPLUG_TIMEOUT.</summary>
    public static readonly TimeSpan XenDeadline = TimeSpan.FromSeconds(40);
}

/// <summary>A script call that failed: libxl's messages (most specific last).</summary>
internal sealed class VifScriptException(IReadOnlyList<string> messages)
    : Exception(string.Join("\n", messages))
{
    public IReadOnlyList<string> Messages { get; } = messages;
}

/// <summary>
/// Runs an admin's vif script with Xen's contract (<see cref="VifScriptPlan"/>): the argument
/// vector, Xen's environment plus XENSTORED_PATH, stderr appended to xen-hotplug.log, a deadline
/// that kills the script's whole process tree, then libxl's verdict from the exit status and the
/// <c>hotplug-status</c>/<c>hotplug-error</c> nodes the script wrote.
/// </summary>
internal static class VifScriptRunner
{
    /// <summary>How long to keep reading stderr after the script ended: a child it left running may hold the pipe.</summary>
    private static readonly TimeSpan StderrGrace = TimeSpan.FromSeconds(1);

    /// <summary>Runs the call; throws <see cref="VifScriptException"/> with libxl's messages when it failed.</summary>
    public static async Task RunAsync(VifScriptHost host, VifScriptCall call, CancellationToken cancel)
    {
        var failure = VifScriptOutcome.Failure(call, await RunOnceAsync(host, call, cancel).ConfigureAwait(false), host.Deadline);
        if (failure is not null) throw new VifScriptException(failure);
    }

    public static async Task<VifScriptRun> RunOnceAsync(VifScriptHost host, VifScriptCall call, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(call.ScriptPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        foreach (var a in call.Arguments.Skip(1)) info.ArgumentList.Add(a);
        foreach (var (k, v) in call.Environment) info.Environment[k] = v;
        info.Environment["XENSTORED_PATH"] = host.XenstoreSocket;

        Directory.CreateDirectory(Path.GetDirectoryName(host.HotplugLog)!);
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new VifScriptException([$"{call.ScriptPath}: cannot run the hotplug script: {e.Message}"]);
        }
        process.StandardInput.Close();
        var stderr = AppendAsync(process.StandardError.BaseStream, host.HotplugLog);
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);

        int? exit;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            deadline.CancelAfter(host.Deadline);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
                exit = process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                KillTree(process);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancel.ThrowIfCancellationRequested();
                exit = null;
            }
        }
        await Task.WhenAny(Task.WhenAll(stderr, stdout), Task.Delay(StderrGrace, CancellationToken.None)).ConfigureAwait(false);

        return new VifScriptRun(exit, process.Id,
            host.ReadNode(call.AbsoluteXenbusPath + "/hotplug-status"),
            host.ReadNode(call.AbsoluteXenbusPath + "/hotplug-error"));
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own between the deadline and the kill.
        }
    }

    /// <summary>Appends the script's stderr to the log as it comes (a script killed at its deadline still leaves its last words).</summary>
    private static async Task AppendAsync(Stream from, string logPath)
    {
        await using var log = new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 4096, useAsync: true);
        var buffer = new byte[4096];
        int n;
        while ((n = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            await log.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
            await log.FlushAsync().ConfigureAwait(false);
        }
    }
}
