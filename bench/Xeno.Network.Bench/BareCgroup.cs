using System.Globalization;

namespace Xeno.Network.Bench;

/// <summary>
/// Gives the bare twin the same CPU standing as the Xeno guest it is compared with. xenod puts a
/// domain's whole QEMU into a cgroup whose subtree competes with the host's other processes by the
/// domain's weight (docs/resources.md). A bare QEMU left where the bench runs competes thread by
/// thread instead, every busy thread (vCPU, main loop doing the tap I/O) with a full weight, so on a
/// contended host it gets more CPU for a reason that has nothing to do with the data path. The twin
/// therefore runs in a sibling of xenod's subtree with the weight of the domain's own cgroup, so
/// two twins stand as two domains do.
/// </summary>
internal sealed class BareCgroup : IDisposable
{
    private readonly string _dir;

    private BareCgroup(string dir) => _dir = dir;

    /// <summary>Moves <paramref name="barePid"/> next to the cgroup subtree of <paramref name="xenoPid"/>; null when xenod enforces no cgroup.</summary>
    public static BareCgroup? Mirror(int xenoPid, int barePid, string tag)
    {
        var (domainDir, weightFile) = CpuCgroupOf(xenoPid);
        if (domainDir is null)
            return null;
        var subtree = Path.GetDirectoryName(domainDir)!;
        var dir = Path.Combine(Path.GetDirectoryName(subtree)!, "xeno-bench-bare-" + tag);
        Directory.CreateDirectory(dir);
        string weight = File.ReadAllText(Path.Combine(domainDir, weightFile)).Trim();
        File.WriteAllText(Path.Combine(dir, weightFile), weight);
        File.WriteAllText(Path.Combine(dir, "cgroup.procs"), barePid.ToString(CultureInfo.InvariantCulture));
        return new BareCgroup(dir);
    }

    /// <summary>The cgroup directory of a process's cpu controller (v1 or v2) and the name of its weight file.</summary>
    private static (string? Dir, string WeightFile) CpuCgroupOf(int pid)
    {
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            if (parts[1].Split(',').Contains("cpu"))
            {
                foreach (var mount in new[] { "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct" })
                    if (Directory.Exists(mount + parts[2]) && parts[2] != "/")
                        return (mount + parts[2], "cpu.shares");
            }
            else if (parts[0] == "0" && parts[1].Length == 0 && parts[2] != "/" && File.Exists($"/sys/fs/cgroup{parts[2]}/cpu.weight"))
                return ("/sys/fs/cgroup" + parts[2], "cpu.weight");
        }
        return (null, "");
    }

    /// <summary>Call after the twin's QEMU has exited: its threads may take a moment to leave the cgroup.</summary>
    public void Dispose()
    {
        for (int i = 0; i < 250; i++)
        {
            try
            {
                Directory.Delete(_dir);
                return;
            }
            catch (IOException) when (i < 249)
            {
                Thread.Sleep(20);
            }
        }
    }
}
