using Xeno.Qemu.Interop;
using Xeno.Qemu.Processes;

namespace Xeno.Qemu.Tests.Interop;

/// <summary>sched_setaffinity interop: the mask layout glibc and the kernel use, and real calls on a thread of our own.</summary>
public sealed class CpuAffinityTests
{
    [Fact]
    public void MaskIsGlibcCpuSetOf1024BitsInLittleEndianLongs()
    {
        Assert.Equal(128, CpuAffinity.MaskBytes); // sizeof(cpu_set_t) on Linux x86_64
        Assert.Equal(1024, CpuAffinity.MaxCpus);
        var mask = CpuAffinity.ToMask([0, 3, 63, 64, 1023]);
        Assert.Equal(16, mask.Length);
        Assert.Equal((1UL << 0) | (1UL << 3) | (1UL << 63), mask[0]);
        Assert.Equal(1UL, mask[1]);
        Assert.Equal(1UL << 63, mask[15]);
        Assert.Equal([0, 3, 63, 64, 1023], CpuAffinity.FromMask(mask));
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuAffinity.ToMask([1024]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuAffinity.ToMask([-1]));
    }

    [Fact]
    public void RandomSetsRoundTripThroughTheMask()
    {
        var random = new Random(4242);
        for (int i = 0; i < 2000; i++)
        {
            var cpus = new SortedSet<int>(Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(0, CpuAffinity.MaxCpus)));
            Assert.Equal(cpus, CpuAffinity.FromMask(CpuAffinity.ToMask(cpus)));
        }
    }

    [Fact]
    public void PinsARealThreadAndProcShowsIt()
    {
        int cpus = Environment.ProcessorCount;
        IReadOnlySet<int>? seenInProc = null;
        SortedSet<int>? seenBySyscall = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                int tid = CpuAffinity.CurrentThreadId();
                CpuAffinity.Set(tid, new SortedSet<int> { cpus - 1 });
                seenBySyscall = CpuAffinity.Get(tid);
                seenInProc = ProcFs.Host.ThreadAllowedCpus(Environment.ProcessId, tid);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        Assert.Equal([cpus - 1], seenBySyscall!);
        Assert.Equal([cpus - 1], seenInProc!.Order());
    }

    [Fact]
    public void FailuresNameTheThreadAndTheCause()
    {
        var empty = Assert.Throws<CpuAffinityException>(() => CpuAffinity.Set(CpuAffinity.CurrentThreadId(), new SortedSet<int>()));
        Assert.Contains("empty CPU set", empty.Message, StringComparison.Ordinal);
        // A thread id that cannot exist (above pid_max's ceiling of 2^22).
        var gone = Assert.Throws<CpuAffinityException>(() => CpuAffinity.Set(int.MaxValue, new SortedSet<int> { 0 }));
        Assert.Contains($"thread {int.MaxValue}", gone.Message, StringComparison.Ordinal);
        Assert.Contains("errno 3", gone.Message, StringComparison.Ordinal); // ESRCH
        // CPUs the host does not have: the kernel refuses with EINVAL.
        var none = Assert.Throws<CpuAffinityException>(() => CpuAffinity.Set(CpuAffinity.CurrentThreadId(), new SortedSet<int> { 1000 }));
        Assert.Contains("errno 22", none.Message, StringComparison.Ordinal);
    }
}
