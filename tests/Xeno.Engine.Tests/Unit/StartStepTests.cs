using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Lifecycle.StartSteps;

namespace Xeno.Engine.Tests.Unit;

/// <summary>Start steps run in order; on a failure the completed ones are undone in reverse, then the failure is thrown.</summary>
public sealed class StartStepTests
{
    private sealed class Step(string name, bool fails = false, bool undoFails = false) : IStep<List<string>>
    {
        public string Name => name;

        public Task RunAsync(List<string> trace)
        {
            trace.Add("run " + name);
            if (fails)
                throw new EngineException(EngineErrorKind.Failed, name + " failed");
            return Task.CompletedTask;
        }

        public Task UndoAsync(List<string> trace)
        {
            trace.Add("undo " + name);
            if (undoFails)
                throw new IOException("undo of " + name + " failed");
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task StepsRunInOrderAndNothingIsUndoneWhenAllSucceed()
    {
        var trace = new List<string>();
        await StepRunner.RunAsync([new Step("a"), new Step("b"), new Step("c")], trace, _ => { });
        Assert.Equal(["run a", "run b", "run c"], trace);
    }

    [Fact]
    public async Task AFailureUndoesTheCompletedStepsInReverseAndIsThrown()
    {
        var trace = new List<string>();
        var logged = new List<string>();
        var e = await Assert.ThrowsAsync<EngineException>(() =>
            StepRunner.RunAsync([new Step("a"), new Step("b", undoFails: true), new Step("c", fails: true), new Step("d")], trace, logged.Add));
        Assert.Equal("c failed", e.Message);
        Assert.Equal(["run a", "run b", "run c", "undo b", "undo a"], trace);
        Assert.Equal(["undoing start step b failed: undo of b failed"], logged);
    }

    [Fact]
    public void TheStartAndAdoptionListsPutCpuControlFirstThenThreads()
    {
        Assert.Equal(["cpu-control", "vcpu-threads", "hard-affinity", "vnc-password", "balloon-target"], StartStepLists.ForStart.Select(s => s.Name));
        Assert.Equal(["adopt-cpu-control", "vcpu-threads", "read-affinity", "vnc-password"], StartStepLists.ForAdoption.Select(s => s.Name));
    }
}
