using Xeno.Config.Specs;

namespace Xeno.Config.Tests.Specs;

public sealed class VlanSpecTests
{
    [Fact]
    public void SingleIdBecomesThePvid()
    {
        var v = VlanSpec.Parse("10").Value!;
        Assert.Equal(10, v.Pvid);
        Assert.Equal(VlanMembership.Pvid, v.Vlans[10]);
    }

    [Fact]
    public void PvidAndTagged()
    {
        var v = VlanSpec.Parse("10p/20").Value!;
        Assert.Equal(10, v.Pvid);
        Assert.Equal(VlanMembership.Tagged, v.Vlans[20]);
    }

    [Fact]
    public void StepForm()
    {
        var v = VlanSpec.Parse("10p/100+10x4").Value!;
        Assert.Equal([10, 100, 110, 120, 130], v.Vlans.Keys);
    }

    [Fact]
    public void RangeUntagged()
    {
        var v = VlanSpec.Parse("1p/5-7u").Value!;
        Assert.Equal(VlanMembership.Untagged, v.Vlans[6]);
        Assert.Equal(4, v.Vlans.Count);
    }

    [Theory]
    [InlineData("0", "vlan id 0 not between 1 and 4094")]
    [InlineData("4095", "vlan id 4095 not between 1 and 4094")]
    [InlineData("10/10p", "vlan id 10 specified more than once")]
    [InlineData("10p/20p", "more than one pvid specified (20 and 10)")]
    [InlineData("10/20", "pvid required when using multiple vlan ids")]
    [InlineData("20-10", "invalid vlan id range: 20-10")]
    [InlineData("10x", "invalid vlan specification: 10x")]
    [InlineData("10-20p", "invalid vlan specification: 10-20p")]
    [InlineData("", "pvid required when using multiple vlan ids")]
    [InlineData("1p/5+0x3", "vlan id 5 specified more than once")]
    [InlineData("1p/4000+50x999999999999", "vlan id 4100 not between 1 and 4094")]
    public void Errors(string text, string message) => Assert.Equal(message, Assert.Single(VlanSpec.Parse(text).Errors));
}
