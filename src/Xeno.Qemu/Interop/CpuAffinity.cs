using System.Runtime.InteropServices;

namespace Xeno.Qemu.Interop;

/// <summary>
/// Linux thread CPU affinity (sched_setaffinity / sched_getaffinity on a thread id): how a
/// vCPU's hard affinity (xl.cfg cpus=, xl vcpu-pin) is enforced on QEMU's vCPU threads.
/// Side effect: changes where the kernel may schedule the thread.
/// </summary>
public static partial class CpuAffinity
{
    /// <summary>glibc's cpu_set_t: 1024 bits (CPU_SETSIZE), 16 unsigned longs.</summary>
    public const int MaskBytes = 128;
    public const int MaxCpus = MaskBytes * 8;
    private const int Words = MaskBytes / sizeof(ulong);

    /// <summary>The kernel's mask layout: CPU n is bit n % 64 of word n / 64 (little-endian longs).</summary>
    public static ulong[] ToMask(IEnumerable<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        var mask = new ulong[Words];
        foreach (var cpu in cpus)
        {
            if (cpu < 0 || cpu >= MaxCpus)
                throw new ArgumentOutOfRangeException(nameof(cpus), cpu, $"CPU numbers go from 0 to {MaxCpus - 1}");
            mask[cpu / 64] |= 1UL << (cpu % 64);
        }
        return mask;
    }

    public static SortedSet<int> FromMask(ReadOnlySpan<ulong> mask)
    {
        var cpus = new SortedSet<int>();
        for (int w = 0; w < mask.Length; w++)
        {
            for (int b = 0; b < 64; b++)
            {
                if ((mask[w] & (1UL << b)) != 0)
                    cpus.Add(w * 64 + b);
            }
        }
        return cpus;
    }

    /// <summary>Pins thread <paramref name="tid"/> to <paramref name="cpus"/>; the error names the thread and errno.</summary>
    public static void Set(int tid, IReadOnlySet<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        if (cpus.Count == 0)
            throw new CpuAffinityException($"thread {tid}: an empty CPU set cannot be applied");
        var mask = ToMask(cpus);
        if (sched_setaffinity(tid, (nuint)MaskBytes, mask) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new CpuAffinityException($"sched_setaffinity of thread {tid} to CPUs {string.Join(',', cpus)} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    /// <summary>The CPUs thread <paramref name="tid"/> may run on.</summary>
    public static SortedSet<int> Get(int tid)
    {
        var mask = new ulong[Words];
        if (sched_getaffinity(tid, (nuint)MaskBytes, mask) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new CpuAffinityException($"sched_getaffinity of thread {tid} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
        return FromMask(mask);
    }

    /// <summary>The calling thread's id (gettid), for tests and self-checks.</summary>
    public static int CurrentThreadId() => gettid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint cpusetsize, ulong[] mask);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_getaffinity(int pid, nuint cpusetsize, [Out] ulong[] mask);

    [LibraryImport("libc")]
    private static partial int gettid();
}

public sealed class CpuAffinityException(string message) : Exception(message);
