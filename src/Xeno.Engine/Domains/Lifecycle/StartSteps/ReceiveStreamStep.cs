using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Processes;

namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>
/// The last step of an incoming domain's start (xl restore): QEMU is fed the saved or migrated
/// stream, then the guest runs on unless it is to stay paused. As a step, its failure undoes
/// the steps before it (the cgroup among them) like any other failed start.
/// </summary>
internal sealed class ReceiveStreamStep(Func<Domain, QemuInstance, CancellationToken, Task> receive, bool paused) : IStartStep
{
    public string Name => "receive-stream";

    public async Task RunAsync(StartContext context)
    {
        await receive(context.Domain, context.Qemu, CancellationToken.None);
        if (!paused)
            await QmpCall.RunAsync(context.Domain, context.Qemu, (q, t) => q.ContinueAsync(t), CancellationToken.None);
    }

    public Task UndoAsync(StartContext context) => Task.CompletedTask;
}
