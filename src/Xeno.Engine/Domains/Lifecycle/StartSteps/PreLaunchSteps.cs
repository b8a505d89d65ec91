namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>What a pre-launch step works on: the domain (no QEMU yet) and the engine.</summary>
internal sealed class PreLaunchContext(Domain domain, EngineContext engine)
{
    public Domain Domain { get; } = domain;
    public EngineContext Engine { get; } = engine;
}

/// <summary>
/// A step that must be done before QEMU starts (the host side of devices QEMU opens, e.g. a
/// vif's tap). Undone when the launch or a later start step fails, and at destroy by the owner.
/// </summary>
internal interface IPreLaunchStep : IStep<PreLaunchContext>;

/// <summary>The ordered steps before QEMU is launched (fresh starts, restarts of on_reboot).</summary>
internal static class PreLaunchStepLists
{
    public static IReadOnlyList<IPreLaunchStep> ForStart { get; } =
    [
        new Network.VifSetUpStep(),
    ];

    /// <summary>Undoes all of <paramref name="steps"/> (they all completed) in reverse; failures are logged.</summary>
    public static async Task UndoAllAsync(IReadOnlyList<IPreLaunchStep> steps, PreLaunchContext context, Action<string> log)
    {
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            try
            {
                await steps[i].UndoAsync(context);
            }
            catch (Exception e) when (e is EngineException or IOException or InvalidOperationException)
            {
                log($"undoing pre-launch step {steps[i].Name} failed: {e.Message}");
            }
        }
    }
}
