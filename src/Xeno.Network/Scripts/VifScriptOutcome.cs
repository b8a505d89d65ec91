namespace Xeno.Network.Scripts;

/// <summary>How one script call ended, as the runner saw it.</summary>
/// <param name="ExitCode">The exit status; null when the deadline killed it.</param>
/// <param name="Pid">The script's process id (libxl names it in its message).</param>
/// <param name="HotplugStatus">The backend's <c>hotplug-status</c> after the call, or null.</param>
/// <param name="HotplugError">The backend's <c>hotplug-error</c> after the call, or null.</param>
public sealed record VifScriptRun(int? ExitCode, int Pid, string? HotplugStatus, string? HotplugError);

/// <summary>
/// libxl's verdict on a hotplug script (device_hotplug_child_death_cb): an error status or a
/// script that wrote <c>hotplug-status=error</c> fails the device, and the message is the
/// script's own <c>hotplug-error</c> when it wrote one.
/// </summary>
public static class VifScriptOutcome
{
    /// <summary>Null when the call succeeded; else the messages to report, most specific last.</summary>
    public static IReadOnlyList<string>? Failure(VifScriptCall call, VifScriptRun run, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(run);
        string what = string.Join(' ', call.Arguments.Take(2));
        var messages = new List<string>();
        if (run.ExitCode is null)
            messages.Add($"{what} [{run.Pid}] did not finish within {deadline.TotalSeconds:0.###} s and was killed");
        else if (run.ExitCode != 0)
            messages.Add($"{what} [{run.Pid}] exited with error status {run.ExitCode}");
        else if (run.HotplugStatus != "error")
            return null;
        if (!string.IsNullOrEmpty(run.HotplugError)) messages.Add("script: " + run.HotplugError);
        else if (run.ExitCode == 0) messages.Add("script: hotplug-status is error");
        return messages;
    }
}
