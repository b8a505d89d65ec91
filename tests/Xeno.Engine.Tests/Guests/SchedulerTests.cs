using System.Diagnostics;
using System.Globalization;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// cpu_weight= and cap= enforced by the host kernel on real guests: two CPU-bound guests
/// (idle=poll on the kernel command line keeps a vCPU busy even in the idle loop) pinned to one
/// host CPU share it by their weights; a run-time weight change moves the share; a cap holds one.
/// CPU time is read from /proc/&lt;qemu pid&gt;/stat. Both guests sit under the same parent cgroup,
/// so outside load takes time from the pair but not from one more than the other: the ratio
/// holds, and each measurement runs until enough CPU time was spent to tell (not a fixed time).
/// </summary>
public sealed class SchedulerTests
{
    private const string Pool = "Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us\n";
    private const string Header = "Name                                ID Weight  Cap\n";

    private static string Row(string name, int domid, int weight, int cap) => $"{name,-33} {domid,4} {weight,6} {cap,4}\n";

    /// <summary>utime + stime of a whole process, in clock ticks.</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every thread of QEMU onto the guests' CPU. cpus= pins only the vCPU thread; QEMU's other
    /// threads then run on any CPU, and the kernel splits a group's weight across the CPUs where it
    /// has work, so a busy main thread elsewhere would shift the shares on the pinned CPU. With all
    /// of both groups on one CPU, their time there is exactly what the weights divide (threads QEMU
    /// starts later inherit the mask).
    /// </summary>
    private static void PinWholeProcess(int pid, int cpu)
    {
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            Xeno.Qemu.Interop.CpuAffinity.Set(int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture), new SortedSet<int> { cpu });
    }

    /// <summary>CPU ticks each process used until together they used <paramref name="total"/> (or 90 s passed), and the wall time.</summary>
    private static async Task<(long[] Ticks, TimeSpan Wall)> MeasureAsync(int[] pids, long total)
    {
        var start = pids.Select(CpuTicks).ToArray();
        var sw = Stopwatch.StartNew();
        long[] used;
        do
        {
            await Task.Delay(500);
            used = [.. pids.Select((p, i) => CpuTicks(p) - start[i])];
        }
        while (used.Sum() < total && sw.Elapsed < TimeSpan.FromSeconds(90));
        return (used, sw.Elapsed);
    }

    private static string BusyConfig(Xenod x, string name, string lines) =>
        x.WriteConfig(name + ".cfg",
            $"name=\"{name}\"\ntype=\"pv\"\nmemory=128\nkernel=\"{x.Kit.Vmlinuz}\"\nramdisk=\"{x.Kit.Initrd}\"\n" +
            $"extra=\"console=hvc0 xeno.action=shell xeno.agent=off idle=poll\"\n{lines}");

    [Fact]
    public async Task WeightsShareOneCpuOneToTwoAndACapHoldsABusyGuest()
    {
        int cpu = Environment.ProcessorCount - 1;
        await using var x = await Xenod.StartAsync();
        var cgroups = x.Host!.Engine.Cgroups;
        Assert.True(cgroups.Enforcing, $"this host has a cgroup cpu controller: {cgroups.Plan.Why}");
        Assert.Equal(0, x.Xl("create", "-q", BusyConfig(x, "busy-a", $"cpus=\"{cpu}\"\ncpu_weight=256\n")).Exit);
        Assert.Equal(0, x.Xl("create", "-q", BusyConfig(x, "busy-b", $"cpus=\"{cpu}\"\ncpu_weight=512\n")).Exit);
        int a = x.Domid("busy-a"), b = x.Domid("busy-b");
        await x.WaitForMarkerAsync("busy-a");
        await x.WaitForMarkerAsync("busy-b");
        int pa = (await x.Host.Engine.GetAsync("busy-a", TestContext.Current.CancellationToken)).QemuPid!.Value;
        int pb = (await x.Host.Engine.GetAsync("busy-b", TestContext.Current.CancellationToken)).QemuPid!.Value;

        // Each QEMU is in its own cgroup under this xenod's subtree, with the weight mapped.
        var dirA = Path.Join(cgroups.Plan.InstanceDir, $"dom-{a}");
        Assert.Contains(pa.ToString(CultureInfo.InvariantCulture), File.ReadAllLines(Path.Join(dirA, "cgroup.procs")));
        Assert.Equal("1024", File.ReadAllText(Path.Join(dirA, "cpu.shares")).Trim());
        Assert.Equal("2048", File.ReadAllText(Path.Join(cgroups.Plan.InstanceDir, $"dom-{b}", "cpu.shares")).Trim());
        Assert.Equal("3072", File.ReadAllText(Path.Join(cgroups.Plan.InstanceDir, "cpu.shares")).Trim()); // the subtree weighs their sum
        Assert.Equal((0, Pool + Header + Row("Domain-0", 0, 256, 0) + Row("busy-a", a, 256, 0) + Row("busy-b", b, 512, 0), ""), x.Xl("sched-credit"));
        Assert.Equal((0, Header + Row("busy-b", b, 512, 0), ""), x.Xl("sched-credit", "-d", "busy-b"));

        PinWholeProcess(pa, cpu);
        PinWholeProcess(pb, cpu);
        var (t, _) = await MeasureAsync([pa, pb], total: 800);
        double ratio = (double)t[1] / t[0];
        Assert.True(ratio is >= 2 * 0.85 and <= 2 * 1.15, $"weights 256:512 gave CPU ticks {t[0]}:{t[1]} (ratio {ratio:F2}, want 2 ± 15 %)");

        // At run time: 1024 against 512 turns the share around.
        Assert.Equal((0, "", ""), x.Xl("sched-credit", "-d", "busy-a", "-w", "1024"));
        Assert.Equal("4096", File.ReadAllText(Path.Join(dirA, "cpu.shares")).Trim());
        (t, _) = await MeasureAsync([pa, pb], total: 800);
        ratio = (double)t[0] / t[1];
        Assert.True(ratio is >= 2 * 0.85 and <= 2 * 1.15, $"weights 1024:512 gave CPU ticks {t[0]}:{t[1]} (ratio {ratio:F2}, want 2 ± 15 %)");

        // libxl's range errors, and nothing changes.
        Assert.Equal((1, "", $"libxl: error: Domain {a}:Cpu weight out of range, valid values are within range from 1 to 65535\nlibxl_domain_sched_params_set failed.\n"),
            x.Xl("sched-credit", "-d", "busy-a", "-w", "0"));
        Assert.Equal((1, "", $"libxl: error: Domain {a}:Cpu cap out of range, valid range is from 0 to 100 for specified number of vcpus\nlibxl_domain_sched_params_set failed.\n"),
            x.Xl("sched-credit", "-d", "busy-a", "-c", "101"));
        Assert.Equal((0, Header + Row("busy-a", a, 1024, 0), ""), x.Xl("sched-credit", "-d", "busy-a"));
        Assert.Equal((1, Header, "libxl_domain_sched_params_get returned credit not credit2.\n"), x.Xl("sched-credit2", "-d", "busy-a"));
        Assert.Equal((0, "", ""), x.Xl("sched-credit2"));

        // A restarted xenod finds the cgroups and the weights again.
        await x.StopHostAsync();
        await x.StartHostAsync();
        Assert.Equal((0, Header + Row("busy-a", a, 1024, 0), ""), x.Xl("sched-credit", "-d", "busy-a"));
        Assert.Contains(pa.ToString(CultureInfo.InvariantCulture), File.ReadAllLines(Path.Join(dirA, "cgroup.procs")));

        // cap=50 alone on the CPU: at most half of it (+5 % for accounting), whatever else runs.
        Assert.Equal((0, "", ""), x.Xl("destroy", "busy-b"));
        Assert.False(Directory.Exists(Path.Join(cgroups.Plan.InstanceDir, $"dom-{b}")));
        Assert.Equal((0, "", ""), x.Xl("sched-credit", "-d", "busy-a", "-c", "50"));
        Assert.Equal("50000", File.ReadAllText(Path.Join(dirA, "cpu.cfs_quota_us")).Trim());
        var (capped, wall) = await MeasureAsync([pa], total: 400);
        double share = capped[0] / (wall.TotalSeconds * 100.0);
        Assert.True(share <= 0.55, $"cap=50 let the guest use {share:P0} of one CPU ({capped[0]} ticks in {wall.TotalSeconds:F1} s)");

        Assert.Equal((0, "", ""), x.Xl("destroy", "busy-a"));
        Assert.Empty(x.Host!.Engine.Cgroups.Domids());
        var instance = x.Host.Engine.Cgroups.Plan.InstanceDir!;
        await x.StopHostAsync();
        Assert.False(Directory.Exists(instance), "xenod leaves no cgroup behind once its last domain is gone");
    }
}
