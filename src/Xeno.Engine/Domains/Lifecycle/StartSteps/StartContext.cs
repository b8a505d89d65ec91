using Xeno.Qemu.Processes;

namespace Xeno.Engine.Domains.Lifecycle.StartSteps;

/// <summary>What a start step works on: the domain, its just started (or re-adopted) QEMU, the engine.</summary>
internal sealed class StartContext(Domain domain, QemuInstance qemu, EngineContext engine, RuntimeRecord? adoptedFrom = null)
{
    public Domain Domain { get; } = domain;
    public QemuInstance Qemu { get; } = qemu;
    public EngineContext Engine { get; } = engine;
    /// <summary>The record a re-adopted domain came from; null for a fresh start.</summary>
    public RuntimeRecord? AdoptedFrom { get; } = adoptedFrom;
}
