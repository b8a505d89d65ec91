using System.Globalization;
using Xeno.Host.Cgroups;

namespace Xeno.Engine.Resources;

/// <summary>
/// This xenod's cgroup subtree (<see cref="CgroupPlan.InstanceDir"/>): one dom-&lt;domid&gt;
/// cgroup per domain holding all of its QEMU's threads. The plan is decided once at start
/// (<see cref="Detect"/>); with no usable CPU controller every call is a no-op and weight and cap
/// are only bookkept (xenod logs so at start).
/// </summary>
internal sealed class CgroupHost(CgroupPlan plan)
{
    public CgroupPlan Plan { get; } = plan;
    public bool Enforcing => Plan.Version != CgroupVersion.None;

    /// <summary>A host without cgroups for this engine (tests that set EngineOptions.Cgroups = false).</summary>
    public static CgroupHost Off(string why) => new(CgroupPlan.None(why));

    /// <summary>Reads mountinfo and xenod's own cgroup, then decides (see <see cref="CgroupPlan.Choose"/>).</summary>
    public static CgroupHost Detect(string prefix, string? parentOverride)
    {
        var mounts = CgroupMounts.Parse(ReadOrEmpty("/proc/self/mountinfo"));
        var own = CgroupPlan.OwnV2Path(ReadOrEmpty("/proc/self/cgroup"));
        string? controllers = mounts.Unified is null ? null : ReadOrNull(Path.Join(mounts.Unified, own ?? "/", "cgroup.controllers"));
        return new CgroupHost(CgroupPlan.Choose(mounts, controllers, own, prefix, parentOverride));
    }

    /// <summary>Creates (or finds) a domain's cgroup. Null when not enforcing.</summary>
    public DomainCgroup? Create(int domid)
    {
        if (!Enforcing)
            return null;
        var instance = Plan.InstanceDir!;
        if (Plan.Version == CgroupVersion.V2)
            EnableCpu(Plan.Parent!);
        Directory.CreateDirectory(instance);
        if (Plan.Version == CgroupVersion.V2)
            EnableCpu(instance);
        var dir = Path.Join(instance, CgroupPlan.DomainName(domid));
        Directory.CreateDirectory(dir);
        return new DomainCgroup(dir, Plan.Version);
    }

    /// <summary>
    /// Sets this instance's own weight to the sum of its domains' (see
    /// <see cref="CpuControlMapping.InstanceValue"/>); called whenever a domain's weight, or the set
    /// of domains, changes.
    /// </summary>
    public void Rebalance()
    {
        if (!Enforcing || !Directory.Exists(Plan.InstanceDir))
            return;
        string file = CpuControlFiles.WeightFile(Plan.Version);
        var values = new List<long>();
        foreach (var dir in Directory.EnumerateDirectories(Plan.InstanceDir!))
        {
            if (CgroupPlan.DomidOf(Path.GetFileName(dir)) is not null
                && long.TryParse(ReadOrNull(Path.Join(dir, file))?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long v))
                values.Add(v);
        }
        File.WriteAllText(Path.Join(Plan.InstanceDir!, file),
            CpuControlMapping.InstanceValue(Plan.Version, values).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A domain's cgroup if it exists (re-adoption).</summary>
    public DomainCgroup? Find(int domid)
    {
        if (!Enforcing)
            return null;
        var dir = Path.Join(Plan.InstanceDir!, CgroupPlan.DomainName(domid));
        return Directory.Exists(dir) ? new DomainCgroup(dir, Plan.Version) : null;
    }

    /// <summary>The domids that have a cgroup in this instance's subtree.</summary>
    public IReadOnlyList<int> Domids()
    {
        if (!Enforcing || !Directory.Exists(Plan.InstanceDir))
            return [];
        return [.. Directory.EnumerateDirectories(Plan.InstanceDir!)
            .Select(d => CgroupPlan.DomidOf(Path.GetFileName(d))).OfType<int>().Order()];
    }

    /// <summary>
    /// Removes a domain's cgroup. A process still inside (a QEMU that outlived its domain, which
    /// should not happen) is moved up to the hierarchy's parent first, as rmdir needs it empty.
    /// A QEMU just killed can look gone (its main thread a zombie) while its other threads are
    /// still exiting and keep the cgroup busy for some milliseconds: rmdir is retried meanwhile,
    /// waiting on a timer rather than a thread (destroys of many domains run at once).
    /// </summary>
    public async Task RemoveAsync(int domid, CancellationToken cancel)
    {
        if (Find(domid) is not { } cg)
            return;
        for (int attempt = 1; ; attempt++)
        {
            foreach (var pid in cg.Pids())
            {
                try { File.WriteAllText(Path.Join(Plan.Parent!, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture)); }
                catch (IOException) { } // gone meanwhile
            }
            try
            {
                Directory.Delete(cg.Dir, recursive: false);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < RemoveAttempts)
            {
                await Task.Delay(RemoveRetryDelay, cancel);
            }
        }
    }

    private const int RemoveAttempts = 250;
    private static readonly TimeSpan RemoveRetryDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Removes this instance's directory once no domain cgroup is left in it (xenod stopping with no guests).</summary>
    public void RemoveInstanceIfEmpty()
    {
        if (!Enforcing || !Directory.Exists(Plan.InstanceDir) || Directory.EnumerateDirectories(Plan.InstanceDir!).Any())
            return;
        try { Directory.Delete(Plan.InstanceDir!, recursive: false); }
        catch (IOException) { } // a domain created meanwhile keeps it
    }

    /// <summary>v2: a child can only use the cpu controller if its parent lists it in subtree_control.</summary>
    private static void EnableCpu(string dir)
    {
        var control = Path.Join(dir, "cgroup.subtree_control");
        var current = ReadOrNull(control) ?? "";
        if (!current.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Contains("cpu"))
            File.WriteAllText(control, "+cpu");
    }

    private static string ReadOrEmpty(string path) => ReadOrNull(path) ?? "";

    private static string? ReadOrNull(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
