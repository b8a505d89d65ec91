using System.Diagnostics;
using System.Globalization;

namespace Xeno.Engine.Bench;

/// <summary>
/// `xenod run --prefix P` as its own process, so its memory can be read from /proc like an
/// administrator would. Stopping it leaves guests running (xenod's design); callers destroy them first.
/// </summary>
internal sealed class XenodProcess : IDisposable
{
    private readonly Process _process;

    private XenodProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static async Task<XenodProcess> StartAsync(string executable, string prefix, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(executable)
        {
            ArgumentList = { "run", "--prefix", prefix },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // As bin/xenod (the installed command) runs it: a small gen0 budget.
            Environment = { ["DOTNET_GCgen0size"] = "0x400000" },
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {executable}");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("xenod listening on ", StringComparison.Ordinal) == true) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var done = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        if (done != ready.Task)
        {
            if (!process.HasExited) process.Kill();
            string text;
            lock (errors) text = errors.ToString();
            throw new InvalidOperationException($"xenod did not start within {timeout.TotalSeconds:F0} s: {text}");
        }
        return new XenodProcess(process);
    }

    /// <summary>SIGTERM (xenod's orderly stop), then SIGKILL if it does not go.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(grace)) != exited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
