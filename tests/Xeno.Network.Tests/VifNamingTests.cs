namespace Xeno.Network.Tests;

public sealed class VifNamingTests
{
    [Theory]
    [InlineData(3, 0, null, "vif3.0")]
    [InlineData(12, 2, "", "vif12.2")]
    [InlineData(3, 0, "web-eth0", "web-eth0")]
    public void TapNameFollowsXensBackendNaming(int domid, int devid, string? vifName, string expected) =>
        Assert.Equal(expected, VifNaming.TapName(domid, devid, vifName));
}
