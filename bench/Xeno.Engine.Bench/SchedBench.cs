using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Xeno.Engine.Bench;

/// <summary>
/// Scheduler accuracy (docs/resources.md): two CPU-bound pv guests (idle=poll) pinned to one host
/// CPU with weights 256 and 512 (then 1024 and 512, set at run time), and one alone with cap=50.
/// The weight ratios are measured twice in the same run: first as a config's cpus= pins them (the
/// vCPU threads only), then with every thread of both QEMUs on that CPU (as SchedulerTests does).
/// CPU time comes from /proc/&lt;qemu pid&gt;/stat; each sample runs until the guests used
/// <c>ticks</c> clock ticks together, so outside load stretches it instead of skewing it.
/// </summary>
internal sealed class SchedBench(GuestKit kit, Programs programs, int rounds)
{
    private string _prefix = "";

    public async Task<string> RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("xes-").FullName;
        _prefix = Path.Combine(root, "p");
        Directory.CreateDirectory(_prefix);
        XenodProcess? xenod = null;
        try
        {
            xenod = await XenodProcess.StartAsync(programs.Xenod, _prefix, TimeSpan.FromMinutes(2));
            return await MeasureAsync(root);
        }
        finally
        {
            if (xenod is not null)
            {
                Xl("destroy", "sa");
                Xl("destroy", "sb");
                await xenod.StopAsync(TimeSpan.FromSeconds(30));
                xenod.Dispose();
            }
            HostProcesses.KillQemusUnder(_prefix);
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task<string> MeasureAsync(string root)
    {
        int cpu = Environment.ProcessorCount - 1;
        string Config(string name, int weight)
        {
            var path = Path.Combine(root, name + ".cfg");
            File.WriteAllText(path, $"name=\"{name}\"\ntype=\"pv\"\nmemory=128\ncpus=\"{cpu}\"\ncpu_weight={weight}\n" +
                $"kernel=\"{kit.Vmlinuz}\"\nramdisk=\"{kit.Initrd}\"\nextra=\"console=hvc0 xeno.action=shell xeno.agent=off idle=poll\"\n");
            return path;
        }
        Check(Xl("create", "-q", Config("sa", 256)), "xl create sa");
        int pa = HostProcesses.QemusUnder(_prefix).Single();
        Check(Xl("create", "-q", Config("sb", 512)), "xl create sb");
        int pb = HostProcesses.QemusUnder(_prefix).Single(p => p != pa);
        // Both guests booted: their init printed its marker.
        await ConsoleMarker.WaitAsync(Path.Combine(_prefix, "var/log/xeno/console/sa.log"), TimeSpan.FromMinutes(3));
        await ConsoleMarker.WaitAsync(Path.Combine(_prefix, "var/log/xeno/console/sb.log"), TimeSpan.FromMinutes(3));

        var (ratio12, ratio21) = await WeightRatiosAsync(pa, pb, VcpuTicks);
        // Now every thread of both QEMUs on the contended CPU: the kernel splits a group's weight
        // across the CPUs where it has runnable threads, so QEMU's main and I/O threads elsewhere
        // shift the share on this one. With nothing of either group elsewhere, the whole
        // processes' time is exactly what the weights divide.
        PinWholeProcess(pa, cpu);
        PinWholeProcess(pb, cpu);
        var (whole12, whole21) = await WeightRatiosAsync(pa, pb, CpuTicks);
        var capped = new List<double>();
        Check(Xl("destroy", "sb"), "xl destroy sb");
        Check(Xl("sched-credit", "-d", "sa", "-c", "50"), "sched-credit -c 50");
        for (int r = 0; r < rounds; r++)
        {
            var t = await SampleAsync([pa], 300, CpuTicks);
            capped.Add(t.Ticks[0] / (t.Wall.TotalSeconds * 100.0) * 100);
        }

        var md = new StringBuilder();
        md.Append("## Scheduler accuracy: cpu_weight and cap on the host's CPU controller\n\n");
        md.Append(F($"Method: one xenod, pv guests whose kernel runs idle=poll (a vCPU always busy), pinned with cpus=\"{cpu}\" to one host CPU. The weight ratios are measured twice in the same run, one after the other with the same two guests: (1) as cpus= pins them, only the vCPU threads on CPU {cpu}, counting the vCPU threads' CPU time (/proc/<pid>/task/*/stat, threads \"CPU n/TCG\"); (2) after pinning every thread of both QEMU processes to CPU {cpu} (sched_setaffinity per thread, as tests/…/SchedulerTests.cs does), counting the whole processes' CPU time (/proc/<pid>/stat). The cap is measured on the whole process, still pinned. Each sample lasts until the guests together used 6 s of CPU (3 s for the capped one), {rounds} samples per line. The weights are set with `xl sched-credit -d` between samples. Goal: ratio 2 ± 15 %, cap=50 ≤ 55 % of one CPU.\n\n"));
        md.Append("| case | median | min | max | goal |\n|---|---:|---:|---:|---|\n");
        void Row(string what, List<double> v) =>
            md.Append(F($"| {what} | {Median(v):F2} | {v.Min():F2} | {v.Max():F2} | 1.70–2.30 |\n"));
        Row("vCPU threads pinned: weights 256 : 512, CPU time b / a", ratio12);
        Row("vCPU threads pinned: weights 1024 : 512 (set at run time), a / b", ratio21);
        Row("**whole QEMUs pinned: weights 256 : 512, b / a**", whole12);
        Row("**whole QEMUs pinned: weights 1024 : 512 (set at run time), a / b**", whole21);
        md.Append(F($"| cap=50 alone on the CPU, % of one CPU | {Median(capped):F1} | {capped.Min():F1} | {capped.Max():F1} | ≤ 55 |\n"));
        md.Append(F($"\n(Host: {Environment.ProcessorCount} CPUs, QEMU TCG; programs: {programs.Description}.)\n"));
        return md.ToString();
    }

    /// <summary>Rounds of (256:512, then 1024:512 set at run time), each ratio the favoured guest's time over the other's.</summary>
    private async Task<(List<double> OneToTwo, List<double> TwoToOne)> WeightRatiosAsync(int pa, int pb, Func<int, long> ticks)
    {
        var ratio12 = new List<double>();
        var ratio21 = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            Check(Xl("sched-credit", "-d", "sa", "-w", "256"), "sched-credit");
            var t = await SampleAsync([pa, pb], 600, ticks);
            ratio12.Add((double)t.Ticks[1] / t.Ticks[0]);
            Check(Xl("sched-credit", "-d", "sa", "-w", "1024"), "sched-credit");
            t = await SampleAsync([pa, pb], 600, ticks);
            ratio21.Add((double)t.Ticks[0] / t.Ticks[1]);
        }
        return (ratio12, ratio21);
    }

    /// <summary>Every thread of the process onto one CPU (threads QEMU starts later inherit the mask).</summary>
    private static void PinWholeProcess(int pid, int cpu)
    {
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            Xeno.Qemu.Interop.CpuAffinity.Set(int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture), new SortedSet<int> { cpu });
    }

    private static async Task<(long[] Ticks, TimeSpan Wall)> SampleAsync(int[] pids, long total, Func<int, long> ticks)
    {
        var start = pids.Select(ticks).ToArray();
        var sw = Stopwatch.StartNew();
        long[] used;
        do
        {
            await Task.Delay(250);
            used = [.. pids.Select((p, i) => ticks(p) - start[i])];
        }
        while (used.Sum() < total && sw.Elapsed < TimeSpan.FromMinutes(2));
        return (used, sw.Elapsed);
    }

    /// <summary>
    /// The vCPU threads only ("CPU n/TCG"): they are what is pinned to the contended CPU. QEMU's
    /// other threads run on any CPU and would add the same small amount to both sides, pulling
    /// the ratio towards 1 without saying anything about the weights.
    /// </summary>
    private static long VcpuTicks(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task")
            .Where(t => File.ReadAllText(Path.Combine(t, "comm")).StartsWith("CPU ", StringComparison.Ordinal))
            .Sum(t => Ticks(File.ReadAllText(Path.Combine(t, "stat"))));

    /// <summary>The whole process (the cap holds the whole cgroup).</summary>
    private static long CpuTicks(int pid) => Ticks(File.ReadAllText($"/proc/{pid}/stat"));

    private static long Ticks(string stat)
    {
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
    }

    private static double Median(List<double> v)
    {
        var s = v.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private HostProcesses.Result Xl(params string[] args) => HostProcesses.Run(programs.Xl, ["--prefix", _prefix, .. args]);

    private static void Check(HostProcesses.Result r, string what)
    {
        if (r.Exit != 0)
            throw new InvalidOperationException($"{what} failed ({r.Exit}): {r.Err}");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
