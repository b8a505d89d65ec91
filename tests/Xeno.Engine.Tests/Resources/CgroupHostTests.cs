using System.Diagnostics;
using System.Globalization;
using Xeno.Engine.Resources;
using Xeno.Host.Cgroups;

namespace Xeno.Engine.Tests.Resources;

/// <summary>
/// The cgroup acts on the real host (cgroup v1's cpu hierarchy here: its unified hierarchy
/// offers no cpu controller, which a hierarchy can only have once) under a subtree named after a
/// unique prefix; and v2's file writes against a directory tree shaped like a cgroup2 mount,
/// since no cgroup2 cpu controller can be enabled on this machine (docs/resources.md).
/// </summary>
public sealed class CgroupHostTests
{
    private static string UniquePrefix() => "/tmp/xeno-cgroup-test-" + Guid.NewGuid().ToString("n")[..10];

    [Fact]
    public async Task V1DomainCgroupHoldsEveryQemuThreadEnforcesWeightAndCapAndLeavesNothing()
    {
        var host = CgroupHost.Detect(UniquePrefix(), parentOverride: null);
        Assert.True(host.Plan.Version == CgroupVersion.V1, $"this host should offer cgroup v1's cpu controller: {host.Plan.Why}");
        var instance = host.Plan.InstanceDir!;
        Assert.False(Directory.Exists(instance));
        using var sleeper = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 60 & sleep 60 & wait"]) { UseShellExecute = false })!;
        try
        {
            var cg = host.Create(7)!;
            Assert.Equal(Path.Join(instance, "dom-7"), cg.Dir);
            cg.Apply(new SchedParams(512, 50));
            Assert.Equal("2048", File.ReadAllText(Path.Join(cg.Dir, "cpu.shares")).Trim());
            Assert.Equal("50000", File.ReadAllText(Path.Join(cg.Dir, "cpu.cfs_quota_us")).Trim());
            Assert.Equal("100000", File.ReadAllText(Path.Join(cg.Dir, "cpu.cfs_period_us")).Trim());
            Assert.Equal(new SchedParams(512, 50), cg.Read());
            cg.Apply(new SchedParams(65535, 0));
            Assert.Equal("-1", File.ReadAllText(Path.Join(cg.Dir, "cpu.cfs_quota_us")).Trim());
            Assert.Equal(new SchedParams(65535, 0), cg.Read());

            cg.AddProcess(sleeper.Id);
            Assert.Equal([sleeper.Id], cg.Pids());
            var relative = "/" + Path.GetRelativePath(host.Plan.Parent!, cg.Dir);
            // Every thread of the moved process is in it.
            foreach (var task in Directory.GetDirectories($"/proc/{sleeper.Id}/task"))
                Assert.Contains(File.ReadLines(Path.Join(task, "cgroup")), l => l.EndsWith(":cpu:" + relative, StringComparison.Ordinal));
            Assert.Equal("1024", File.ReadAllText(Path.Join(instance, "cpu.shares")).Trim());
            host.Rebalance();
            Assert.Equal("262140", File.ReadAllText(Path.Join(instance, "cpu.shares")).Trim());
            host.Create(9)!.Apply(new SchedParams(256, 0));
            cg.Apply(new SchedParams(512, 50));
            host.Rebalance();
            Assert.Equal((2048 + 1024).ToString(CultureInfo.InvariantCulture), File.ReadAllText(Path.Join(instance, "cpu.shares")).Trim());
            cg.Apply(new SchedParams(65535, 0));
            Assert.Equal([7, 9], host.Domids());
            Assert.Equal(new SchedParams(65535, 0), host.Find(7)!.Read());

            // Removal moves a process still inside up to the parent (rmdir needs the cgroup empty).
            await host.RemoveAsync(7, TestContext.Current.CancellationToken);
            Assert.False(Directory.Exists(cg.Dir));
            Assert.DoesNotContain(File.ReadLines($"/proc/{sleeper.Id}/cgroup"), l => l.Contains(relative, StringComparison.Ordinal));
            host.Rebalance();
            Assert.Equal("1024", File.ReadAllText(Path.Join(instance, "cpu.shares")).Trim());
            host.RemoveInstanceIfEmpty();
            Assert.True(Directory.Exists(instance), "dom-9 is still there");
            await host.RemoveAsync(9, TestContext.Current.CancellationToken);
            await host.RemoveAsync(9, TestContext.Current.CancellationToken); // gone already: nothing to do
            host.RemoveInstanceIfEmpty();
            Assert.False(Directory.Exists(instance));
        }
        finally
        {
            sleeper.Kill(entireProcessTree: true);
            foreach (var d in new[] { 7, 9 })
            {
                try { await host.RemoveAsync(d, CancellationToken.None); } catch (IOException) { }
            }
            if (Directory.Exists(instance)) Directory.Delete(instance);
        }
    }

    [Fact]
    public void TwoPrefixesGetTwoSubtrees()
    {
        var a = CgroupHost.Detect(UniquePrefix(), null);
        var b = CgroupHost.Detect(UniquePrefix(), null);
        Assert.NotEqual(a.Plan.InstanceDir, b.Plan.InstanceDir);
        Assert.Equal(a.Plan.Parent, b.Plan.Parent);
    }

    [Fact]
    public async Task V2WritesCpuWeightAndCpuMaxAndEnablesTheControllerOnTheWayDown()
    {
        var root = Directory.CreateTempSubdirectory("xeno-cgroup2-tree-").FullName;
        try
        {
            // A delegated service cgroup as systemd leaves it: cpu offered, not yet enabled below.
            var service = Path.Join(root, "system.slice", "xenod.service");
            Directory.CreateDirectory(service);
            File.WriteAllText(Path.Join(service, "cgroup.controllers"), "cpuset cpu io memory pids\n");
            File.WriteAllText(Path.Join(service, "cgroup.subtree_control"), "memory\n");
            var plan = CgroupPlan.Choose(new CgroupMounts(null, null, root), "cpuset cpu io memory pids\n", "/system.slice/xenod.service", "/p");
            Assert.Equal(CgroupVersion.V2, plan.Version);
            var host = new CgroupHost(plan);

            var cg = host.Create(3)!;
            Assert.Equal("+cpu", File.ReadAllText(Path.Join(service, "cgroup.subtree_control")));
            Assert.Equal("+cpu", File.ReadAllText(Path.Join(plan.InstanceDir!, "cgroup.subtree_control")));
            cg.Apply(new SchedParams(512, 50));
            Assert.Equal("200", File.ReadAllText(Path.Join(cg.Dir, "cpu.weight")));
            Assert.Equal("50000 100000", File.ReadAllText(Path.Join(cg.Dir, "cpu.max")));
            Assert.Equal(new SchedParams(512, 50), cg.Read());
            cg.Apply(new SchedParams(300, 0));
            Assert.Equal("117", File.ReadAllText(Path.Join(cg.Dir, "cpu.weight")));
            Assert.Equal("max 100000", File.ReadAllText(Path.Join(cg.Dir, "cpu.max")));
            Assert.Equal(new SchedParams(300, 0), cg.Read()); // 117 reads back as 300 (lossy in general: the run dir keeps Xen's number)
            cg.AddProcess(4321);
            Assert.Equal([4321], cg.Pids());
            Assert.Equal([3], host.Domids());
            // The instance weighs what its domains weigh, in the file the domains' weight is in.
            host.Rebalance();
            Assert.Equal(CpuControlMapping.InstanceValue(CgroupVersion.V2, [117]).ToString(CultureInfo.InvariantCulture),
                File.ReadAllText(Path.Join(plan.InstanceDir!, "cpu.weight")));

            // A directory rmdir keeps refusing (here: a plain one with files, as a busy cgroup):
            // the retries wait on a timer and stop when the caller cancels, leaving it in place.
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
            // (Without the token the retries would end in an IOException after 5 s instead.)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.RemoveAsync(3, cancel.Token));
            Assert.True(Directory.Exists(cg.Dir));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void TheRunDirRecordKeepsXenSNumbers()
    {
        var dir = Directory.CreateTempSubdirectory("xeno-sched-file-").FullName;
        try
        {
            Assert.Null(SchedFile.Load(dir));
            SchedFile.Save(dir, new SchedParams(301, 75));
            Assert.Equal(new SchedParams(301, 75), SchedFile.Load(dir));
            Assert.Null(SchedFile.Parse("weight=0 cap=1"));
            Assert.Null(SchedFile.Parse("weight=x"));
            var rng = new Random(3);
            for (int i = 0; i < 2000; i++)
            {
                var chars = new char[rng.Next(0, 40)];
                for (int j = 0; j < chars.Length; j++) chars[j] = "weightcap=0123456789 \n-"[rng.Next(23)];
                var p = SchedFile.Parse(new string(chars));
                if (p is not null) Assert.InRange(p.Weight, 1, 65535);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
