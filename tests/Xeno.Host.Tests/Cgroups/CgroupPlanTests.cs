using Xeno.Host.Cgroups;

namespace Xeno.Host.Tests.Cgroups;

public sealed class CgroupPlanTests
{
    // This machine's shape: v1 controllers each on their own hierarchy, an empty cgroup2 beside them.
    private const string V1Host = """
        25 22 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        31 25 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw
        33 25 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:12 - cgroup cgroup rw,cpu
        34 25 0:30 / /sys/fs/cgroup/cpuset rw,relatime shared:13 - cgroup cgroup rw,cpuset
        """;

    // Debian 12 with systemd: one unified hierarchy.
    private const string V2Host = "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";

    [Fact]
    public void MountsAreFoundInMountinfo()
    {
        Assert.Equal(new CgroupMounts("/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/unified"), CgroupMounts.Parse(V1Host));
        Assert.Equal(new CgroupMounts(null, null, "/sys/fs/cgroup"), CgroupMounts.Parse(V2Host));
        Assert.Equal("/a b/cpu", CgroupMounts.Parse("1 2 0:1 / /a\\040b/cpu rw - cgroup cgroup rw,cpu,cpuacct\n").V1Cpu);
    }

    [Fact]
    public void V1IsChosenWhenTheUnifiedHierarchyOffersNoCpu()
    {
        var plan = CgroupPlan.Choose(CgroupMounts.Parse(V1Host), "", "/user.slice", "/tmp/p1");
        Assert.Equal(CgroupVersion.V1, plan.Version);
        Assert.Equal("/sys/fs/cgroup/cpu/" + CgroupPlan.InstanceName("/tmp/p1"), plan.InstanceDir);
    }

    [Fact]
    public void V2IsChosenUnderXenodsOwnDelegatedCgroup()
    {
        var plan = CgroupPlan.Choose(CgroupMounts.Parse(V2Host), "cpuset cpu io memory pids\n", CgroupPlan.OwnV2Path("0::/system.slice/xenod.service\n"), "/");
        Assert.Equal(CgroupVersion.V2, plan.Version);
        Assert.Equal("/sys/fs/cgroup/system.slice/xenod.service", plan.Parent);
        Assert.StartsWith("/sys/fs/cgroup/system.slice/xenod.service/xeno-", plan.InstanceDir, StringComparison.Ordinal);
        Assert.Equal(CgroupVersion.None, CgroupPlan.Choose(CgroupMounts.Parse(V2Host), "memory pids", "/", "/").Version);
        Assert.Equal("/custom/" + CgroupPlan.InstanceName("/"), CgroupPlan.Choose(CgroupMounts.Parse(V2Host), "cpu", "/", "/", "/custom").InstanceDir);
    }

    [Fact]
    public void InstanceNamesDifferPerPrefixAndDomainNamesReadBack()
    {
        Assert.NotEqual(CgroupPlan.InstanceName("/tmp/a"), CgroupPlan.InstanceName("/tmp/b"));
        Assert.Equal(CgroupPlan.InstanceName("/tmp/a"), CgroupPlan.InstanceName("/tmp/a"));
        Assert.Matches("^xeno-[0-9a-f]{12}$", CgroupPlan.InstanceName("/"));
        Assert.Equal(17, CgroupPlan.DomidOf(CgroupPlan.DomainName(17)));
        Assert.Null(CgroupPlan.DomidOf("dom-x"));
        Assert.Null(CgroupPlan.DomidOf("cgroup.procs"));
    }

    [Fact]
    public void RandomMountinfoNeverThrows()
    {
        var rng = new Random(11);
        const string alphabet = " -\\\n0123456789abcgroup,/:";
        for (int i = 0; i < 5000; i++)
        {
            var chars = new char[rng.Next(0, 200)];
            for (int j = 0; j < chars.Length; j++) chars[j] = alphabet[rng.Next(alphabet.Length)];
            var text = new string(chars);
            _ = CgroupMounts.Parse(text);
            _ = CgroupPlan.OwnV2Path(text);
            _ = CgroupPlan.DomidOf(text);
        }
    }
}
