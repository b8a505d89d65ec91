using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>
/// vncpasswd=: QMP change-vnc-password (never on a command line). At a start a failure fails the
/// create (the display would stay locked to everyone); at a re-adoption it is logged.
/// </summary>
internal sealed class VncPasswordStep(bool required) : IStartStep
{
    public string Name => "vnc-password";

    public async Task RunAsync(StartContext context)
    {
        var d = context.Domain;
        if (string.IsNullOrEmpty(d.Spec.Vnc.Password) || d.Spec.Hvm is null || !d.Spec.Vnc.Enabled)
            return;
        try
        {
            await QmpCall.RunAsync(d, context.Qemu, (q, t) => q.SetVncPasswordAsync(d.Spec.Vnc.Password, t), CancellationToken.None);
        }
        catch (Exception e) when (e is QmpException or EngineException)
        {
            var message = $"domain \"{d.Name}\": setting the VNC password failed: {e.Message}";
            if (required)
                throw new EngineException(e is EngineException ee ? ee.Kind : EngineErrorKind.Failed, message, e);
            context.Engine.Log.Info(message);
        }
    }

    public Task UndoAsync(StartContext context) => Task.CompletedTask;
}
