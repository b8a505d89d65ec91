using Xeno.Config.Domain;
using static Xeno.Config.Tests.Domain.DomainTestSupport;

namespace Xeno.Config.Tests.Domain;

/// <summary>Rules stated once on the spec, used by the engine and xl.</summary>
public class DomainSpecRuleTests
{
    [Theory]
    [InlineData("memory=256\n", 256, false)]
    [InlineData("memory=256\nmaxmem=512\n", 512, true)]
    public void GuestRamIsMaxmemAndABalloonHoldsTheRest(string memory, long ram, bool ballooned)
    {
        var spec = BuildOk("name='g'\nkernel='/k'\n" + memory);
        Assert.Equal(ram, spec.GuestRamMiB);
        Assert.Equal(ballooned, spec.StartsBallooned);
        // A spec from JSON may carry memory above maxmem; the guest still gets the larger.
        Assert.Equal(1024, (spec with { MemoryMiB = 1024 }).GuestRamMiB);
    }

    [Theory]
    [InlineData("type='pv'\nbootloader='pygrub'\n", true)]
    [InlineData("type='pvh'\nbootloader='pygrub'\n", true)]
    [InlineData("type='hvm'\nbootloader='pygrub'\n", false)]
    [InlineData("type='pv'\nkernel='/k'\n", false)]
    public void TheBootloaderRunsForPvAndPvhOnly(string config, bool runs) =>
        Assert.Equal(runs, BuildOk("name='g'\n" + config).BootloaderRuns);
}
