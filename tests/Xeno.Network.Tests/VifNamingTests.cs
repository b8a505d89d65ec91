using Xeno.Network.Planning;

namespace Xeno.Network.Tests;

public sealed class VifNamingTests
{
    [Theory]
    [InlineData(3, 0, null, "vif3.0")]
    [InlineData(12, 2, "", "vif12.2")]
    [InlineData(3, 0, "web-eth0", "web-eth0")]
    public void TapNameFollowsXensBackendNaming(int domid, int devid, string? vifName, string expected) =>
        Assert.Equal(expected, VifNaming.TapName(domid, devid, vifName));

    [Theory]
    [InlineData("sixteen-chars-xx")]
    [InlineData("a/b")]
    [InlineData("a b")]
    public void NamesLinuxCannotTakeAreRefused(string vifName) =>
        Assert.Throws<VifPlanException>(() => VifNaming.CheckedTapName(1, 0, vifName));

    [Fact]
    public void TheLongestDefaultNameFits() =>
        Assert.Equal("vif32767.99999", VifNaming.CheckedTapName(32767, 99999, null));
}
