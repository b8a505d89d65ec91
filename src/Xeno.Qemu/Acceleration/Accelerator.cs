namespace Xeno.Qemu.Acceleration;

/// <summary>How QEMU runs guest code: hardware virtualization (KVM) or software emulation (TCG).</summary>
public enum Accelerator
{
    Tcg,
    Kvm,
}

/// <summary>The chosen accelerator and, in words, why (logged once by the daemon).</summary>
public sealed record AcceleratorChoice(Accelerator Accelerator, string Reason);
