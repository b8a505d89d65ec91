using Xeno.Host.Cgroups;

namespace Xeno.Host.Tests.Cgroups;

public sealed class CpuControlMappingTests
{
    [Theory]
    [InlineData(1, 4, 1)]
    [InlineData(128, 512, 50)]
    [InlineData(256, 1024, 100)]
    [InlineData(512, 2048, 200)]
    [InlineData(25600, 102400, 10000)]
    [InlineData(65535, 262140, 10000)]
    public void WeightMapsToSharesAndV2Weight(int xen, long shares, long v2)
    {
        Assert.Equal(shares, CpuControlMapping.Shares(xen));
        Assert.Equal(v2, CpuControlMapping.V2Weight(xen));
        Assert.Equal(xen, CpuControlMapping.WeightFromShares(shares));
    }

    [Fact]
    public void EveryWeightRoundTripsThroughSharesAndV2KeepsItsRatioToTheDefault()
    {
        for (int w = 1; w <= 65535; w++)
        {
            Assert.Equal(w, CpuControlMapping.WeightFromShares(CpuControlMapping.Shares(w)));
            long v2 = CpuControlMapping.V2Weight(w);
            Assert.InRange(v2, 1, 10000);
            if (w is >= 256 and <= 25600)
                Assert.InRange(Math.Abs(v2 / 100.0 - w / 256.0) / (w / 256.0), 0, 0.005);
        }
    }

    [Theory]
    [InlineData(0, "-1", "max 100000")]
    [InlineData(50, "50000", "50000 100000")]
    [InlineData(100, "100000", "100000 100000")]
    [InlineData(250, "250000", "250000 100000")]
    [InlineData(1, "1000", "1000 100000")]
    public void CapMapsToQuotaAndMax(int cap, string v1, string v2)
    {
        Assert.Equal(v1, CpuControlMapping.V1Quota(cap));
        Assert.Equal(v2, CpuControlMapping.V2Max(cap));
        Assert.Equal(cap, CpuControlMapping.CapFromV2Max(v2));
        Assert.Equal(cap, CpuControlMapping.CapFromQuota(long.Parse(v1, System.Globalization.CultureInfo.InvariantCulture), CpuControlMapping.PeriodUs));
    }

    [Fact]
    public void OutOfRangeValuesAreRefusedByName()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuControlMapping.Shares(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuControlMapping.V2Weight(65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuControlMapping.QuotaUs(-1));
        Assert.Throws<FormatException>(() => CpuControlMapping.CapFromV2Max("max"));
        Assert.Throws<FormatException>(() => CpuControlMapping.CapFromV2Max("x 100000"));
    }

    [Fact]
    public void ControlFilesPerHierarchy()
    {
        Assert.Equal([("cpu.shares", "2048"), ("cpu.cfs_period_us", "100000"), ("cpu.cfs_quota_us", "50000")], CpuControlFiles.For(CgroupVersion.V1, 512, 50));
        Assert.Equal([("cpu.weight", "200"), ("cpu.max", "max 100000")], CpuControlFiles.For(CgroupVersion.V2, 512, 0));
        Assert.Empty(CpuControlFiles.For(CgroupVersion.None, 512, 0));
    }

    [Fact]
    public void TheWeightFileIsTheOneTheDomainWeightIsWrittenTo()
    {
        foreach (var v in new[] { CgroupVersion.V1, CgroupVersion.V2 })
            Assert.Equal(CpuControlFiles.WeightFile(v), CpuControlFiles.For(v, 512, 0)[0].File);
        Assert.Equal("cpu.shares", CpuControlFiles.WeightFile(CgroupVersion.V1));
        Assert.Equal("cpu.weight", CpuControlFiles.WeightFile(CgroupVersion.V2));
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuControlFiles.WeightFile(CgroupVersion.None));
    }

    [Fact]
    public void TheSubtreeWeighsWhatItsDomainsWeighTogetherWithinTheKernelsRange()
    {
        Assert.Equal(1024, CpuControlMapping.InstanceValue(CgroupVersion.V1, []));
        Assert.Equal(100, CpuControlMapping.InstanceValue(CgroupVersion.V2, []));
        Assert.Equal(3072, CpuControlMapping.InstanceValue(CgroupVersion.V1, [1024, 2048]));
        Assert.Equal(300, CpuControlMapping.InstanceValue(CgroupVersion.V2, [100, 200]));
        Assert.Equal(262_144, CpuControlMapping.InstanceValue(CgroupVersion.V1, [262_140, 262_140, 4]));
        Assert.Equal(10_000, CpuControlMapping.InstanceValue(CgroupVersion.V2, [9_000, 9_000]));
        Assert.Equal(2, CpuControlMapping.InstanceValue(CgroupVersion.V1, [0]));
        Assert.Equal(10_000, CpuControlMapping.InstanceValue(CgroupVersion.V2, Enumerable.Repeat(long.MaxValue, 3)));
    }
}
