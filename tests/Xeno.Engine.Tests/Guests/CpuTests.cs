using System.Globalization;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// cpus= / cpus_soft= at boot, xl vcpu-pin and xl vcpu-list on a real guest: the hard affinity is
/// what the kernel enforces on QEMU's vCPU threads (/proc Cpus_allowed_list), and it is read back
/// from there after a xenod restart.
/// </summary>
public sealed class CpuTests
{
    /// <summary>Cpus_allowed_list of each of QEMU's vCPU threads ("CPU n/TCG" or "CPU n/KVM" with debug-threads=on).</summary>
    private static SortedDictionary<int, string> VcpuThreadAffinity(int qemuPid)
    {
        var result = new SortedDictionary<int, string>();
        foreach (var task in Directory.GetDirectories($"/proc/{qemuPid}/task"))
        {
            var comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
            if (!comm.StartsWith("CPU ", StringComparison.Ordinal))
                continue;
            int vcpu = int.Parse(comm[4..comm.IndexOf('/', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            var line = File.ReadLines(Path.Combine(task, "status")).First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
            result[vcpu] = line["Cpus_allowed_list:".Length..].Trim();
        }
        return result;
    }

    private static string Row(string name, int domid, int vcpu) => $"{name,-32} {domid,5} {vcpu,5}";

    [Fact]
    public async Task CpusPinVcpuThreadsAndVcpuPinMovesThem()
    {
        int hostCpus = Environment.ProcessorCount;
        Assert.True(hostCpus >= 2, $"this test needs a host with at least 2 CPUs to tell pinned from unpinned (it has {hostCpus})");
        int last = hostCpus - 1;
        string allButLast = last == 1 ? "0" : $"0-{last - 1}";
        await using var x = await Xenod.StartAsync();
        var cfg = x.PvConfig("cpu-a", extra: $"vcpus=2\ncpus=[\"{last}\", \"0-{last}\"]\ncpus_soft=\"{last}\"\n");
        Assert.Equal(0, x.Xl("create", "-q", cfg).Exit);
        var snap = await x.Host!.Engine.GetAsync("cpu-a", TestContext.Current.CancellationToken);
        int pid = snap.QemuPid!.Value;

        // vCPU 0 is pinned to the last CPU; vCPU 1's list covers every CPU, which xl prints as "all".
        var threads = VcpuThreadAffinity(pid);
        Assert.Equal(2, threads.Count);
        Assert.Equal(last.ToString(CultureInfo.InvariantCulture), threads[0]);
        Assert.Equal($"0-{last}", threads[1]);
        var list = x.Xl("vcpu-list", "cpu-a");
        Assert.Equal(0, list.Exit);
        Assert.Matches($@"\n{Row("cpu-a", 1, 0)} {{4}}\d   [r-][b-]- [ \d]{{6}}\d\.\d  {last} / {last}\n", list.Out);
        Assert.Matches($@"\n{Row("cpu-a", 1, 1)} {{4}}\d   [r-][b-]- [ \d]{{6}}\d\.\d  all / {last}\n", list.Out);

        // Domain-0 lists one vCPU per host CPU, before the guests.
        var all = x.Xl("vcpu-list").Out.Split('\n');
        for (int i = 0; i < hostCpus; i++)
            Assert.Matches($@"^Domain-0 {{29}}0 {i,5}{i,5}   -b- [ \d]{{5,}}\d\.\d  all / all$", all[1 + i]);
        Assert.StartsWith("cpu-a ", all[1 + hostCpus], StringComparison.Ordinal);

        // vcpu-pin: one vCPU, then all of them; "-" keeps the soft affinity.
        Assert.Equal((0, "", ""), x.Xl("vcpu-pin", "cpu-a", "1", allButLast));
        Assert.Equal(allButLast, VcpuThreadAffinity(pid)[1]);
        Assert.Contains($"{Row("cpu-a", 1, 1)}", x.Xl("vcpu-list", "cpu-a").Out, StringComparison.Ordinal);
        Assert.Matches($@"\n{Row("cpu-a", 1, 1)} .*  {allButLast} / {last}\n", x.Xl("vcpu-list", "cpu-a").Out);
        Assert.Equal((0, "", ""), x.Xl("vcpu-pin", "cpu-a", "all", $"{last}", "all"));
        Assert.Equal([$"{last}", $"{last}"], VcpuThreadAffinity(pid).Values);
        Assert.Matches($@"\n{Row("cpu-a", 1, 0)} .*  {last} / all\n{Row("cpu-a", 1, 1)} .*  {last} / all\n", x.Xl("vcpu-list", "cpu-a").Out);

        // xl's errors, byte for byte.
        Assert.Equal((1, "", "Error: Invalid argument x as VCPU.\n"), x.Xl("vcpu-pin", "cpu-a", "x", "0"));
        Assert.Equal((1, "", "Error: --force and 'all' as VCPU not allowed.\n"), x.Xl("vcpu-pin", "-f", "cpu-a", "all", "0"));
        Assert.Equal((1, "", "libxl: error: Domain 1:Setting vcpu affinity: Invalid argument\nCould not set affinity for vcpu `7'.\n"),
            x.Xl("vcpu-pin", "cpu-a", "7", "0"));
        Assert.Equal((1, "", "Invalid pcpu range: 1-x.\n"), x.Xl("vcpu-pin", "cpu-a", "0", "1-x"));
        Assert.Equal((2, "", "'xl vcpu-pin' requires at least 3 arguments.\n\n"), (x.Xl("vcpu-pin", "cpu-a", "0").Exit, "", x.Xl("vcpu-pin", "cpu-a", "0").Err));
        Assert.Equal((0, $"cpumap: {last} all\n", ""), x.Xl("-N", "vcpu-pin", "cpu-a", "0", $"{last}", "all"));
        Assert.Equal([$"{last}", $"{last}"], VcpuThreadAffinity(pid).Values); // -N changed nothing

        // After a xenod restart, the hard affinity is read back from the kernel, the soft from the record.
        // Soft {last} outside hard 0 reaches no CPU (when the host has more than one): libxl's warning.
        Assert.Equal((0, "", last == 0 ? "" : "libxl: warning: Domain 1:All cpus in soft affinity of vcpu 0 are unreachable. Only hard affinity will be considered for scheduling\n"),
            x.Xl("vcpu-pin", "cpu-a", "0", "0", $"{last}"));
        await x.StopHostAsync();
        await x.StartHostAsync();
        Assert.Matches($@"\n{Row("cpu-a", 1, 0)} .*  0 / {last}\n{Row("cpu-a", 1, 1)} .*  {last} / all\n", x.Xl("vcpu-list", "cpu-a").Out);
        // A soft affinity naming only CPUs the host does not have is accepted with libxl's warning
        // per vCPU (Xen accepts it and schedules by the hard affinity), never silently.
        Assert.Equal((0, "", "libxl: warning: Domain 1:All cpus in soft affinity of vcpu 0 are unreachable. Only hard affinity will be considered for scheduling\n" +
                             "libxl: warning: Domain 1:All cpus in soft affinity of vcpu 1 are unreachable. Only hard affinity will be considered for scheduling\n"),
            x.Xl("vcpu-pin", "cpu-a", "all", "-", "1000"));
        Assert.Equal((0, "", ""), x.Xl("destroy", "cpu-a"));
    }

    [Fact]
    public async Task ACpusListNamingNoHostCpuFailsTheCreateClearly()
    {
        await using var x = await Xenod.StartAsync();
        // Xeno.Config accepts CPU numbers it cannot check against this host; the kernel refuses the pin.
        var r = x.Xl("create", "-q", x.PvConfig("cpu-bad", extra: "cpus=\"1000\"\n"));
        Assert.Equal(3, r.Exit);
        Assert.Contains("domain \"cpu-bad\"", r.Err, StringComparison.Ordinal);
        Assert.Equal(["Domain-0"], x.ListNames());
    }
}
