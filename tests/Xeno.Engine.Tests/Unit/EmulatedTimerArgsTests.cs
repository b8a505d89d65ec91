using Xeno.Engine.Domains;
using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Tests.Unit;

/// <summary>
/// Under TCG a pv/pvh kernel skips Linux's 8254 probe, which panicked a kit guest 0.08 s into
/// boot on this loaded host ("..MP-BIOS bug: 8254 timer not connected to IO-APIC", then "Kernel
/// panic - not syncing: IO-APIC + timer doesn't work!"), silently: no console exists yet.
/// </summary>
public sealed class EmulatedTimerArgsTests
{
    [Theory]
    [InlineData("console=hvc0", "console=hvc0 no_timer_check")]
    [InlineData("", "no_timer_check")]
    [InlineData("root=/dev/xvda1  ro", "root=/dev/xvda1 ro no_timer_check")]
    [InlineData("console=hvc0 -- single", "console=hvc0 no_timer_check -- single")]
    [InlineData("console=hvc0 no_timer_check", "console=hvc0 no_timer_check")]
    [InlineData("a -- no_timer_check", "a no_timer_check -- no_timer_check")]
    public void TcgPvAndPvhKernelsSkipTheTimerProbe(string given, string expected)
    {
        Assert.Equal(expected, EmulatedTimerArgs.For(given, GuestKind.Pv, Accelerator.Tcg));
        Assert.Equal(expected, EmulatedTimerArgs.For(given, GuestKind.Pvh, Accelerator.Tcg));
    }

    [Fact]
    public void KvmAndHvmKeepTheirCommandLine()
    {
        Assert.Equal("console=hvc0", EmulatedTimerArgs.For("console=hvc0", GuestKind.Pv, Accelerator.Kvm));
        Assert.Equal("console=ttyS0", EmulatedTimerArgs.For("console=ttyS0", GuestKind.Hvm, Accelerator.Tcg));
    }

    [Fact]
    public void TheMachineGetsItTheDomainKeepsItsOwn()
    {
        var spec = Specs.From("name=\"p\"\ntype=\"pv\"\nmemory=128\nkernel=\"/k\"\ncmdline=\"console=hvc0\"\n");
        var machine = MachineMapper.Map(spec, new RuntimeFiles("q", "c", "l", "a", "p"), Accelerator.Tcg, false, null);
        Assert.Equal("console=hvc0 no_timer_check", machine.DirectBoot!.CommandLine);
        Assert.Equal("console=hvc0", spec.Cmdline);
    }
}
