using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Supervision;

namespace Xeno.Engine.Tests.Unit;

/// <summary>Every (phase, operation) pair of the supervisor's table, and which phase may follow which.</summary>
public sealed class PhaseTableTests
{
    // One row per phase; letters in DomainOperation order:
    // Destroy Pause Unpause Rename Shutdown SetMemoryTarget SetMemoryMax PinVcpu ChangeDevice SetSched
    // ShutdownAction SetVcpus Trigger DumpCore Save MigrateOut.
    // A = allowed, W = wait, C = conflict.
    private static readonly Dictionary<DomainPhase, string> Expected = new()
    {
        [DomainPhase.Creating] = "WWWWWWWWWWWWWWWW",
        [DomainPhase.Running] = "AAAAAAAAAAAAAAAA",
        [DomainPhase.Shutdown] = "ACCACAAACACCCACC",
        [DomainPhase.Dying] = "WCCCCCCCCCCCCCCC",
        [DomainPhase.Saving] = "ACCCCCCCCCCCCCCC",
        [DomainPhase.MigratingOut] = "ACCCCCCCCCCCCCCC",
        [DomainPhase.Incoming] = "ACCCCCCCCCCCCCCC",
        [DomainPhase.DeviceChange] = "AWWWWWWWWWWWWWWW",
        [DomainPhase.CoreDumping] = "ACCCCCCCCCCCCCCC",
    };

    public static TheoryData<DomainPhase, DomainOperation> AllPairs()
    {
        var data = new TheoryData<DomainPhase, DomainOperation>();
        foreach (var phase in Enum.GetValues<DomainPhase>())
            foreach (var op in Enum.GetValues<DomainOperation>())
                data.Add(phase, op);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void EveryPhaseAnswersEveryOperation(DomainPhase phase, DomainOperation op)
    {
        Assert.True(Expected.TryGetValue(phase, out var row), $"no expected answers for phase {phase}: add its row");
        Assert.Equal(Enum.GetValues<DomainOperation>().Length, row.Length);
        var expected = row[(int)op] switch
        {
            'A' => PhaseAnswerKind.Allowed,
            'W' => PhaseAnswerKind.Wait,
            _ => PhaseAnswerKind.Conflict,
        };
        Assert.Equal(expected, PhaseRules.Answer(phase, op));
        // A conflict always has a message naming the domain or its id.
        if (expected == PhaseAnswerKind.Conflict)
            Assert.Matches("(domain web |Domain 7 )", PhaseRules.ConflictMessage(phase, 7, "web"));
    }

    [Fact]
    public void ConflictsNameThePhase()
    {
        Assert.Equal("domain web is being migrated", PhaseRules.ConflictMessage(DomainPhase.MigratingOut, 3, "web"));
        Assert.Equal("domain web is being saved", PhaseRules.ConflictMessage(DomainPhase.Saving, 3, "web"));
        Assert.Equal("domain web is dumping its core", PhaseRules.ConflictMessage(DomainPhase.CoreDumping, 3, "web"));
        Assert.Equal("domain web is being destroyed", PhaseRules.ConflictMessage(DomainPhase.Dying, 3, "web"));
        // xl's own text for a shut-down domain.
        Assert.Equal("Domain 3 is not running", PhaseRules.ConflictMessage(DomainPhase.Shutdown, 3, "web"));
    }

    [Theory]
    [InlineData(DomainPhase.Creating, DomainPhase.Running, true)]
    [InlineData(DomainPhase.Creating, DomainPhase.Dying, true)]
    [InlineData(DomainPhase.Creating, DomainPhase.Shutdown, false)]
    [InlineData(DomainPhase.Running, DomainPhase.Shutdown, true)]
    [InlineData(DomainPhase.Running, DomainPhase.MigratingOut, true)]
    [InlineData(DomainPhase.Running, DomainPhase.Saving, true)]
    [InlineData(DomainPhase.Running, DomainPhase.Creating, false)]
    [InlineData(DomainPhase.Running, DomainPhase.CoreDumping, false)]
    [InlineData(DomainPhase.Shutdown, DomainPhase.CoreDumping, true)]
    [InlineData(DomainPhase.Shutdown, DomainPhase.Running, false)]
    [InlineData(DomainPhase.CoreDumping, DomainPhase.Shutdown, true)]
    [InlineData(DomainPhase.MigratingOut, DomainPhase.Running, true)]
    [InlineData(DomainPhase.Incoming, DomainPhase.Running, true)]
    [InlineData(DomainPhase.Dying, DomainPhase.Running, false)]
    [InlineData(DomainPhase.Dying, DomainPhase.Shutdown, false)]
    public void TransitionsFollowTheTable(DomainPhase from, DomainPhase to, bool allowed) =>
        Assert.Equal(allowed, PhaseTransitions.Allows(from, to));

    [Fact]
    public void EveryPhaseButDyingCanEndInDyingAndDyingEndsNothing()
    {
        foreach (var phase in Enum.GetValues<DomainPhase>())
        {
            Assert.Equal(phase != DomainPhase.Dying, PhaseTransitions.Allows(phase, DomainPhase.Dying));
            Assert.False(PhaseTransitions.Allows(DomainPhase.Dying, phase));
        }
    }

    [Fact]
    public void EveryPhaseHasAnEventName()
    {
        foreach (var phase in Enum.GetValues<DomainPhase>())
            Assert.Matches("^[a-z_]+$", phase.Name());
        Assert.Equal("migrating_out", DomainPhase.MigratingOut.Name());
    }
}
