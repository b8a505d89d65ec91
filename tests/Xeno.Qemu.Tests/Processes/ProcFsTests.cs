using Xeno.Qemu.Processes;

namespace Xeno.Qemu.Tests.Processes;

/// <summary>ProcFs reads a thread's allowed CPUs from /proc (parsed by Xeno.Host's KernelCpuList).</summary>
public sealed class ProcFsTests
{
    [Fact]
    public void ThisProcessHasAnAllowedListInProc()
    {
        var cpus = ProcFs.Host.ThreadAllowedCpus(Environment.ProcessId, Environment.ProcessId);
        Assert.NotNull(cpus);
        Assert.NotEmpty(cpus);
        Assert.Null(ProcFs.Host.ThreadAllowedCpus(int.MaxValue, int.MaxValue));
    }
}
