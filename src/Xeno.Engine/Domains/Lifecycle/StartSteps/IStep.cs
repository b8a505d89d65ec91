namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>One job done to a domain after its QEMU started (or was re-adopted), with its undo.</summary>
internal interface IStep<in TContext>
{
    string Name { get; }
    Task RunAsync(TContext context);
    /// <summary>Undoes <see cref="RunAsync"/> after a later step failed (only for steps that completed).</summary>
    Task UndoAsync(TContext context);
}

/// <summary>A step of a domain's start; the next issues add cgroups and NICs as steps.</summary>
internal interface IStartStep : IStep<StartContext>;

/// <summary>Runs steps in order; when one fails, undoes the completed ones in reverse order and rethrows.</summary>
internal static class StepRunner
{
    public static async Task RunAsync<TContext>(IReadOnlyList<IStep<TContext>> steps, TContext context, Action<string> log)
    {
        var done = new List<IStep<TContext>>(steps.Count);
        try
        {
            foreach (var step in steps)
            {
                await step.RunAsync(context);
                done.Add(step);
            }
        }
        catch
        {
            for (int i = done.Count - 1; i >= 0; i--)
            {
                try
                {
                    await done[i].UndoAsync(context);
                }
                catch (Exception e) when (e is EngineException or IOException or Xeno.Qemu.Qmp.QmpException or InvalidOperationException)
                {
                    // The first failure is the one to report; an undo that fails too is only logged.
                    log($"undoing start step {done[i].Name} failed: {e.Message}");
                }
            }
            throw;
        }
    }
}
