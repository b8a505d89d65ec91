using Xeno.Qemu.Acceleration;

namespace Xeno.Qemu.Tests.Acceleration;

public class AcceleratorSelectorTests
{
    private const string NoVirt = "processor\t: 0\nflags\t\t: fpu vme de pse tsc msr pae sse sse2 hypervisor lahf_lm\n\nprocessor\t: 1\nflags\t\t: fpu vme\n";
    private const string Intel = "processor\t: 0\nflags\t\t: fpu vme de vmx ept sse2\n";
    private const string Amd = "processor\t: 0\nflags\t\t: fpu svm npt\n";

    [Fact]
    public void NoVmxOrSvmMeansTcgEvenWhenDevKvmOpens()
    {
        // The kvm_pvm situation of these build machines: /dev/kvm works, the CPU has no vmx/svm.
        bool probed = false;
        var choice = AcceleratorSelector.Choose(NoVirt, () => probed = true);
        Assert.Equal(Accelerator.Tcg, choice.Accelerator);
        Assert.Equal("tcg: the CPU advertises no vmx/svm flag", choice.Reason);
        Assert.False(probed);
    }

    [Theory]
    [InlineData(Intel, "vmx")]
    [InlineData(Amd, "svm")]
    public void HardwareVirtualizationAndOpenDeviceMeansKvm(string cpuInfo, string flag)
    {
        var choice = AcceleratorSelector.Choose(cpuInfo, () => true);
        Assert.Equal(Accelerator.Kvm, choice.Accelerator);
        Assert.Equal($"kvm: the CPU has {flag} and /dev/kvm opens", choice.Reason);
    }

    [Fact]
    public void HardwareVirtualizationWithoutDeviceMeansTcg()
    {
        var choice = AcceleratorSelector.Choose(Intel, () => false);
        Assert.Equal(Accelerator.Tcg, choice.Accelerator);
        Assert.Equal("tcg: the CPU has vmx but /dev/kvm does not open", choice.Reason);
    }

    [Theory]
    [InlineData("flags : fpu vmxe svm2 xvmx\n")]      // only whole words count
    [InlineData("model name : Intel vmx svm CPU\n")]  // only the flags line counts
    [InlineData("")]
    public void FlagLookalikesDoNotCount(string cpuInfo)
    {
        Assert.Equal(Accelerator.Tcg, AcceleratorSelector.Choose(cpuInfo, () => true).Accelerator);
    }

    [Theory]
    [InlineData(Accelerator.Kvm)]
    [InlineData(Accelerator.Tcg)]
    public void OverrideWins(Accelerator forced)
    {
        var choice = AcceleratorSelector.Choose(forced == Accelerator.Kvm ? NoVirt : Intel, () => true, forced);
        Assert.Equal(forced, choice.Accelerator);
        Assert.Equal($"{AcceleratorSelector.Name(forced)} requested explicitly", choice.Reason);
    }

    [Theory]
    [InlineData("kvm", true, Accelerator.Kvm)]
    [InlineData(" TCG ", true, Accelerator.Tcg)]
    [InlineData("xen", false, Accelerator.Tcg)]
    [InlineData("", false, Accelerator.Tcg)]
    [InlineData(null, false, Accelerator.Tcg)]
    public void ParsesOverrides(string? text, bool ok, Accelerator expected)
    {
        Assert.Equal(ok, AcceleratorSelector.TryParse(text, out var accel));
        if (ok)
            Assert.Equal(expected, accel);
    }

    [Fact]
    public void ThisHostIsDetectedWithoutThrowing()
    {
        // On the build machines (kvm_pvm, no vmx/svm) this must be TCG; elsewhere either is fine.
        var choice = HostAccelerator.Detect();
        if (AcceleratorSelector.HardwareVirtualizationFlag(File.ReadAllText("/proc/cpuinfo")) is null)
            Assert.Equal(Accelerator.Tcg, choice.Accelerator);
        Assert.Equal(Accelerator.Tcg, HostAccelerator.Detect(Accelerator.Tcg).Accelerator);
    }
}
