using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains.Lifecycle;

/// <summary>
/// Ends a domain's QEMU: QMP quit within QuitTimeout, then SIGKILL (which also ends a stopped
/// process). A QEMU known not to answer (stopped, hung, busy dumping) is killed at once.
/// </summary>
internal sealed class QemuStopper(EngineContext context)
{
    public async Task StopAsync(QemuInstance q, bool killOnly)
    {
        var options = context.Options;
        if (!killOnly)
        {
            using var quit = new CancellationTokenSource(options.QuitTimeout, context.Time);
            try
            {
                await q.Qmp.QuitAsync(quit.Token);
                await q.Process.WaitForExitAsync(TimeSpan.FromMilliseconds(20), context.Time, quit.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or QmpException or ObjectDisposedException)
            {
            }
        }
        q.Process.Kill();
        try
        {
            using var wait = new CancellationTokenSource(options.KillTimeout, context.Time);
            await q.Process.WaitForExitAsync(TimeSpan.FromMilliseconds(20), context.Time, wait.Token);
        }
        catch (OperationCanceledException)
        {
            context.Log.Info($"qemu pid {q.Process.Pid} did not exit within {options.KillTimeout.TotalSeconds:0.#} s of SIGKILL");
        }
        await q.DisposeAsync();
    }
}
